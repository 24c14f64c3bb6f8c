import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { corsPlugin } from './cors-plugin.js';

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

const api = async (origins: string[]): Promise<FastifyInstance> => {
  app = Fastify();
  await app.register(corsPlugin, { origins });
  app.post('/graphql', async () => ({ data: {} }));
  return app;
};

const preflight = (server: FastifyInstance, origin: string) =>
  server.inject({
    method: 'OPTIONS',
    url: '/graphql',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS_ORIGINS', () => {
  it('lets a listed origin call the API from a browser, with a bearer token', async () => {
    const server = await api(['https://app.example.org']);
    const asked = await preflight(server, 'https://app.example.org');
    expect(asked.statusCode).toBe(204);
    expect(asked.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, x-request-id',
    });
    expect(asked.headers['access-control-allow-credentials']).toBeUndefined();
    const called = await server.inject({ method: 'POST', url: '/graphql', headers: { origin: 'https://app.example.org' } });
    expect(called.headers['access-control-allow-origin']).toBe('https://app.example.org');
  });

  it('grants nothing to an origin it does not list', async () => {
    const server = await api(['https://app.example.org']);
    const called = await server.inject({ method: 'POST', url: '/graphql', headers: { origin: 'https://evil.example.net' } });
    expect(called.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(server, 'https://evil.example.net')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds no CORS header at all by default: pages of other origins cannot read the answers', async () => {
    const server = await api([]);
    const called = await server.inject({ method: 'POST', url: '/graphql', headers: { origin: 'https://app.example.org' } });
    expect(Object.keys(called.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect((await preflight(server, 'https://app.example.org')).statusCode).toBe(404);
  });
});
