import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { given } from '../../test/api-specification.js';
import { ann, anOpenEvent } from './attendance-api.fixture.js';

/**
 * mercurius runs a query text through graphql-js the first time and compiled (graphql-jit)
 * from the second on: the compiled runs must answer exactly as the first, errors and
 * idempotent replays included (a replay is matched on a hash of the arguments it receives).
 */

const REGISTER = 'mutation ($e: ID!, $c: ID) { register(eventId: $e, commandId: $c) { registrationId status position ticket { ticketId version } } }';

const RUNS = 3;

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Status, data and errors, keys in any order. A variable of the wrong type is told in other
 * words by the run that compiles the query (graphql-jit coerces it, not graphql-js), so its
 * message is left out; its code and location are compared.
 */
const answer = (response: { statusCode: number; body: string }) => {
  const { data, errors } = JSON.parse(response.body) as Body;
  const compared = errors?.map(({ message, ...error }) => (error.extensions?.code === 'GRAPHQL_VALIDATION' ? error : { message, ...error }));
  return { status: response.statusCode, data, errors: compared };
};

describe('a query compiled on its second run', () => {
  it.each([
    ['a registration resent with its command id', (eventId: string) => ({ e: eventId, c: randomUUID() })],
    ['a registration for no such event', () => ({ e: randomUUID(), c: randomUUID() })],
    ['a registration for an event id that is no uuid', () => ({ e: 'not-an-id' })],
    ['variables of the wrong type', () => ({ e: 42, c: ['x'] })],
  ])('answers %s the same on every run', (_, variablesFor) => {
    const { eventId, stream } = anOpenEvent();
    const variables = variablesFor(eventId);
    const answers: ReturnType<typeof answer>[] = [];
    return given(stream)
      .when(async (client) => {
        for (let run = 1; run < RUNS; run++) answers.push(answer(await client.graphql(ann, REGISTER, variables)));
        return client.graphql(ann, REGISTER, variables);
      })
      .then(({ response }) => expect([...answers, answer(response)]).toEqual(Array(RUNS).fill(answers[0])));
  });
});
