import type { JsonObject } from './json.js';

export interface DomainEvent {
  type: string;
  data: JsonObject;
}

/** A consistency boundary: pure functions over its own events, no I/O. */
export interface Decider<Command, State, Event extends DomainEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** Returns the events the command causes, or throws a DomainError. */
  decide: (command: Command, state: State) => Event[];
}

/** The part of a decider that folds its events into state: all a reader of the log needs. */
export type Fold<State, Event extends DomainEvent> = Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>;
