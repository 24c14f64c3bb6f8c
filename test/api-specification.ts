import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Actor } from '../src/domain/actor.js';
import { schemaVersionOf } from '../src/domain/decode.js';
import type { AnyDomainEvent } from '../src/domain/domain-events.js';
import type { RecordedEvent } from '../src/eventstore/event-store.js';
import { readAllAfter } from '../src/eventstore/event-store.contract.js';
import { type Position, positionAt } from '../src/eventstore/position.js';
import { anEvent } from './events.js';
import { startMemoryApp } from './memory-app.js';

/**
 * API specs without a database, in the shape of Emmett's `ApiSpecification`: given existing
 * streams, when HTTP or GraphQL requests, then the response and the events they appended.
 * Each runs on an app and in-memory store of its own, stopped after it.
 */

export interface ExistingStream {
  streamId: string;
  events: readonly AnyDomainEvent[];
}

export const existingStream = (streamId: string, events: readonly AnyDomainEvent[]): ExistingStream => ({ streamId, events });

/** What a spec's `when` sends with: requests as a client makes them. */
export interface ApiClient {
  /** The app under test, for what a client would hold already (such as a ticket's signed code). */
  app: FastifyInstance;
  /** POST /graphql as `actor` (a freshly issued access token) or anonymously. */
  graphql(actor: Actor | undefined, query: string, variables?: Record<string, unknown>): Promise<LightMyRequestResponse>;
  get(url: string, actor?: Actor): Promise<LightMyRequestResponse>;
}

export interface Outcome {
  /** The response to the last request. */
  response: LightMyRequestResponse;
  /** Every event the requests appended, in the store's order. */
  newEvents: RecordedEvent[];
}

export type Then = (outcome: Outcome) => void;

export const given = (...streams: ExistingStream[]) => ({
  when: (send: (client: ApiClient) => Promise<LightMyRequestResponse>) => ({
    then: async (...checks: Then[]): Promise<void> => {
      const { app, store, close } = await startMemoryApp();
      try {
        let head: Position = positionAt(0n);
        for (const { streamId, events } of streams) {
          // Given in their current shape, so stamped with the current schema version, as the command handler does.
          const stored = events.map(({ type, data }) => {
            const event = anEvent(type, data);
            return { ...event, metadata: { ...event.metadata, schemaVersion: schemaVersionOf(type) } };
          });
          ({ position: head } = await store.append(streamId, stored, 'no_stream'));
        }
        const authorization = async (actor: Actor | undefined): Promise<Record<string, string>> =>
          actor ? { authorization: `Bearer ${(await app.tokens.issueAccessToken(actor)).token}` } : {};
        const client: ApiClient = {
          app,
          graphql: async (actor, query, variables = {}) =>
            app.inject({
              method: 'POST',
              url: '/graphql',
              headers: { 'content-type': 'application/json', ...(await authorization(actor)) },
              payload: JSON.stringify({ query, variables }),
            }),
          get: async (url, actor) => app.inject({ method: 'GET', url, headers: await authorization(actor) }),
        };
        const response = await send(client);
        const newEvents = await readAllAfter(store, head, Number.MAX_SAFE_INTEGER);
        for (const check of checks) check({ response, newEvents });
      } finally {
        await close();
      }
    },
  }),
});

/** The status, and a body that holds at least `body`. */
export const expectResponse =
  (statusCode: number, body?: object): Then =>
  ({ response }) => {
    expect(response.statusCode, response.body).toBe(statusCode);
    if (body) expect(response.json()).toMatchObject(body);
  };

/** A GraphQL refusal with this code (`extensions.code`). */
export const expectGraphqlError =
  (code: string): Then =>
  ({ response }) =>
    expect(response.json().errors?.[0]?.extensions?.code, response.body).toBe(code);

/** The events appended to `streamId`, in order, each holding at least what is given of it. */
export const expectNewEvents =
  (streamId: string, events: readonly { type: string; data?: object }[]): Then =>
  ({ newEvents }) =>
    expect(newEvents.filter((e) => e.streamId === streamId).map(({ type, data }) => ({ type, data }))).toMatchObject(events);

export const expectNoNewEvents = (): Then => ({ newEvents }) => expect(newEvents).toEqual([]);
