import { CREATE_EVENT, SCHEDULE_SESSIONS, SIGN_UP, UPDATE_EVENT } from './documents.js';
import { type AuditClient, type Exchange, asGraphql } from './http-client.js';
import { type Probe, expectField, expectRefusal, expectThat } from './probe.js';
import { type World, addressFor, eventDetails, newPassword, replayedStream } from './world.js';

const postJson = (client: AuditClient, body: unknown, contentType = 'application/json') =>
  client.send({ method: 'POST', path: '/graphql', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A 4xx whose body is JSON: what every client mistake must get. */
const expectJsonRefusal = (exchange: Exchange, status?: number): void => {
  const statusOk = status === undefined ? exchange.status >= 400 && exchange.status < 500 : exchange.status === status;
  expectThat(statusOk && exchange.json !== undefined, `expected ${status ?? 'a 4xx'} with a JSON body`, exchange);
};

/** How many events event `eventId`'s stream holds, as an admin's replay of the store shows: the proof that a refusal stored nothing. */
const storedEvents = async (world: World, eventId: string): Promise<number> => (await replayedStream(world, `event-${eventId}`)).length;

/** `query` nested `levels` inline fragments deep below `health`, each of which mercurius counts as a level. */
const nested = (levels: number): string => `{ health { ${'... on Health { '.repeat(levels)}status${' }'.repeat(levels)} } }`;

export const badInputProbes: Probe[] = [
  {
    area: 'bad input',
    name: 'a GraphQL syntax tree sent as JSON in `query` (as text or as an object) is 400 BAD_REQUEST',
    run: async ({ client }) => {
      const tree = { kind: 'Document', definitions: [{ kind: 'OperationDefinition', operation: 'query', selectionSet: { kind: 'SelectionSet', selections: [] } }] };
      for (const query of [JSON.stringify(tree), tree]) expectRefusal(asGraphql(await postJson(client, { query })), 'BAD_REQUEST', 400);
    },
  },
  {
    area: 'bad input',
    name: 'schema introspection (__schema, __type) is 400 GRAPHQL_VALIDATION and /graphiql is not served',
    run: async ({ client }) => {
      expectRefusal(await client.graphql('{ __schema { types { name } } }'), 'GRAPHQL_VALIDATION', 400);
      expectRefusal(await client.graphql('{ __type(name: "Query") { fields { name } } }'), 'GRAPHQL_VALIDATION', 400);
      const graphiql = await client.send({ path: '/graphiql' });
      expectThat(graphiql.status === 404, 'expected no GraphiQL (404): the server runs with GRAPHIQL=true', graphiql);
    },
  },
  {
    area: 'bad input',
    name: 'a query deeper than 10 levels is 400 GRAPHQL_VALIDATION, and one of 10 is answered',
    run: async ({ client }) => {
      expectField(await client.graphql(nested(8)), 'health');
      expectRefusal(await client.graphql(nested(12)), 'GRAPHQL_VALIDATION', 400);
    },
  },
  {
    area: 'bad input',
    name: '1,000 aliases of the events list are 400 GRAPHQL_VALIDATION by the query cost limit',
    run: async ({ client }) => {
      const aliases = Array.from({ length: 1_000 }, (_, i) => `e${i}: events { nodes { eventId title } }`).join(' ');
      const [error] = expectRefusal(await client.graphql(`{ ${aliases} }`), 'GRAPHQL_VALIDATION', 400);
      expectThat(/cost/i.test(error!.message), `expected the refusal to name the cost, got "${error!.message}"`);
    },
  },
  {
    area: 'bad input',
    name: 'a URL that is not UTF-8 is 400 with a JSON body',
    run: async ({ client }) => {
      expectJsonRefusal(await client.send({ path: '/tickets/%ED%A0%80/qr.png' }), 400);
      expectJsonRefusal(await client.send({ path: '/graphql?query=%FF%FE' }), 400);
    },
  },
  {
    area: 'bad input',
    name: 'a lone surrogate (\\ud800) in a title or a name is VALIDATION, and nothing is stored',
    run: async (world) => {
      const before = await storedEvents(world, world.draft.eventId);
      expectRefusal(await world.client.graphql(UPDATE_EVENT, { eventId: world.draft.eventId, changes: { title: 'Audit \ud800' } }, world.organizerA.accessToken), 'VALIDATION');
      expectThat((await storedEvents(world, world.draft.eventId)) === before, 'expected the draft event stream unchanged after the refusal');
      expectRefusal(await world.client.graphql(SIGN_UP, { email: addressFor(world.run, 'surrogate'), password: newPassword(), name: 'x\ud800' }), 'VALIDATION');
    },
  },
  {
    area: 'bad input',
    name: 'an impossible date (2026-02-30) is VALIDATION naming the field, and nothing is stored',
    run: async (world) => {
      const created = await world.client.graphql(CREATE_EVENT, { details: { ...eventDetails('Audit impossible'), registrationOpensAt: '2026-02-30T00:00:00Z' }, capacity: 5 }, world.organizerA.accessToken);
      const [error] = expectRefusal(created, 'VALIDATION');
      expectThat(/registrationOpensAt/.test(error!.message), 'expected the refusal to name registrationOpensAt', created);
      const before = await storedEvents(world, world.draft.eventId);
      const plan = { startsAt: '2026-02-30T10:00:00Z', endsAt: '2026-03-02T10:00:00Z' };
      expectRefusal(await world.client.graphql(SCHEDULE_SESSIONS, { eventId: world.draft.eventId, plan }, world.organizerA.accessToken), 'VALIDATION');
      expectThat((await storedEvents(world, world.draft.eventId)) === before, 'expected the draft event stream unchanged after the refusal');
    },
  },
  {
    area: 'bad input',
    name: 'a 2 MB body is 413 with a JSON body',
    run: async ({ client }) => expectJsonRefusal(await postJson(client, { query: '{ health { status } }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } }), 413),
  },
  {
    area: 'bad input',
    name: 'a body that is not JSON (text/plain, a form, broken JSON, a batch array) is a 4xx in JSON',
    run: async ({ client }) => {
      expectJsonRefusal(await postJson(client, '{ health { status } }', 'text/plain'));
      expectJsonRefusal(await postJson(client, 'query=%7B%20health%20%7B%20status%20%7D%20%7D', 'application/x-www-form-urlencoded'));
      expectJsonRefusal(await postJson(client, '{"query": '));
      expectJsonRefusal(await postJson(client, [{ query: '{ health { status } }' }, { query: '{ health { status } }' }]));
    },
  },
  {
    area: 'bad input',
    name: 'a mutation sent by GET is refused with a 4xx in JSON',
    run: async ({ client }) => {
      const query = encodeURIComponent('mutation { logOut(refreshToken: "not-a-token") { position } }');
      expectJsonRefusal(await client.send({ path: `/graphql?query=${query}` }));
    },
  },
  {
    area: 'bad input',
    name: 'atPosition from an anonymous caller is UNAUTHENTICATED',
    run: async ({ client }) => {
      expectRefusal(await client.graphql('{ events(atPosition: "1") { nodes { eventId } } }'), 'UNAUTHENTICATED');
    },
  },
  {
    area: 'bad input',
    name: "a stream's history comes in pages of at most 100: first: 101, and an after that is no revision, are VALIDATION",
    run: async (world) => {
      const history = `query ($streamId: String!, $first: Int, $after: String) { streamHistory(streamId: $streamId, first: $first, after: $after) { revision } }`;
      const streamId = `event-${world.eventA.eventId}`;
      expectRefusal(await world.client.graphql(history, { streamId, first: 101 }, world.admin.accessToken), 'VALIDATION');
      expectRefusal(await world.client.graphql(history, { streamId, after: 'not-a-revision' }, world.admin.accessToken), 'VALIDATION');
      const page = expectField<unknown[]>(await world.client.graphql(history, { streamId, first: 1 }, world.admin.accessToken), 'streamHistory');
      expectThat(page.length === 1, 'expected first: 1 to answer one event');
    },
  },
  {
    area: 'bad input',
    name: 'an unknown route is 404 in JSON',
    run: async ({ client }) => expectJsonRefusal(await client.send({ path: '/no-such-route' }), 404),
  },
];
