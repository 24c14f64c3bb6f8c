import { expect } from 'vitest';
import type { Decider, DomainEvent } from '../src/domain/decider.js';
import { DomainError, type DomainErrorCode } from '../src/domain/domain-error.js';

/** Given past events, when a command, then these events, or then this refusal. */
export const deciderSpec =
  <Command, State, Event extends DomainEvent>(decider: Decider<Command, State, Event>) =>
  (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: Event[]) => expect(run()).toEqual(expected),
        thenRefuses: (code: DomainErrorCode, message?: string | RegExp) => {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          expect((thrown as DomainError).code).toBe(code);
          if (message) expect((thrown as DomainError).message).toMatch(message);
        },
      };
    },
  });
