import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { buildApp } from '../app.js';

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startTestApp();
});
afterAll(() => rollcall?.close());

const graphql = (payload: string) =>
  rollcall.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload });

describe('HTTP API', () => {
  it('answers /healthz while alive and /readyz once its database and event store answer', async () => {
    const alive = await rollcall.app.inject({ method: 'GET', url: '/healthz' });
    expect(alive.statusCode).toBe(200);
    expect(alive.json()).toEqual({ status: 'ok' });
    const ready = await rollcall.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', 'event store': 'ok' } });
  });

  it('answers the health query over GraphQL', async () => {
    const response = await graphql(JSON.stringify({ query: '{ health { status database eventStore } }' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ data: { health: { status: 'ok', database: 'up', eventStore: 'postgres' } } });
  });

  it('refuses an unknown field with 400 and GRAPHQL_VALIDATION', async () => {
    const response = await graphql(JSON.stringify({ query: '{ nope }' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION' },
    });
  });

  it('refuses a query with a syntax error with 400 and GRAPHQL_VALIDATION', async () => {
    const response = await graphql(JSON.stringify({ query: '{ health ' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
  });

  it('refuses a body that is not JSON with 400 and BAD_REQUEST', async () => {
    const response = await graphql('{bad');
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await rollcall.app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('HTTP API without its database', () => {
  it('stays alive at /healthz, is not ready at /readyz (503, saying why) and reports a degraded status over GraphQL', async () => {
    const deadPool = new pg.Pool({ connectionString: rollcall.db.url });
    await deadPool.end();
    const degraded = await buildApp({ store: rollcall.store, personalData: rollcall.app.personalData, pool: deadPool, outboxDir: rollcall.outboxDir, masterKey: rollcall.db.masterKey });
    try {
      expect((await degraded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const ready = await degraded.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { 'event store': 'ok' } });
      expect(ready.json().checks.database).not.toBe('ok');
      const query = await degraded.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ query: '{ health { status } }' }),
      });
      expect(query.json()).toEqual({ data: { health: { status: 'degraded' } } });
    } finally {
      await degraded.close();
    }
  });
});
