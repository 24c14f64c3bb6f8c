import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryApp, startMemoryApp } from '../../test/memory-app.js';

/** GraphiQL and schema introspection are for development (GRAPHIQL=true, as `npm start` sets); off otherwise. */

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "Query") { fields { name } } }';

let off: MemoryApp;
let on: MemoryApp;
beforeAll(async () => {
  [off, on] = await Promise.all([startMemoryApp(), startMemoryApp({ graphiql: true })]);
});
afterAll(() => Promise.all([off?.close(), on?.close()]));

const post = ({ app }: MemoryApp, query: string) =>
  app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });

describe('by default', () => {
  it('serves no GraphiQL', async () => {
    const response = await off.app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    ['__schema', SCHEMA],
    ['__type', TYPE],
    ['__schema inside a fragment', '{ ...on Query { __schema { types { name } } } }'],
  ])('refuses %s by POST with 400 GRAPHQL_VALIDATION', async (_, query) => {
    const response = await post(off, query);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ data: null, errors: [{ message: expect.stringMatching(/introspection/), extensions: { code: 'GRAPHQL_VALIDATION' } }] });
  });

  it('refuses introspection by GET too', async () => {
    const response = await off.app.inject({ method: 'GET', url: '/graphql', query: { query: SCHEMA } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
  });

  it('still answers __typename, which clients ask for to tell types apart', async () => {
    expect((await post(off, '{ __typename }')).json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('with GRAPHIQL=true', () => {
  it('serves GraphiQL', async () => {
    const response = await on.app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers introspection, which GraphiQL needs', async () => {
    expect((await post(on, SCHEMA)).json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await post(on, TYPE)).json().data.__type.fields).toContainEqual({ name: 'health' });
  });
});
