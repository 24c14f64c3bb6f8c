import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { publicUrlPlugin } from './public-url.js';

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

const api = async (publicBaseUrl?: string): Promise<FastifyInstance> => {
  app = Fastify();
  await app.register(publicUrlPlugin, { publicBaseUrl });
  await app.ready();
  return app;
};

describe('links to the API', () => {
  it('point under PUBLIC_BASE_URL, path prefix included', async () => {
    const server = await api('https://tickets.example.org/rollcall');
    expect(server.publicUrl('/tickets/t1/qr.png')).toBe('https://tickets.example.org/rollcall/tickets/t1/qr.png');
  });

  it('point at the address the API listens on without it, 127.0.0.1 for every interface', async () => {
    const server = await api();
    await server.listen({ host: '0.0.0.0', port: 0 });
    const { port } = server.server.address() as { port: number };
    expect(server.publicUrl('/tickets/t1/qr.svg')).toBe(`http://127.0.0.1:${port}/tickets/t1/qr.svg`);
  });

  it('stay relative on an API that does not listen (driven by inject)', async () => {
    expect((await api()).publicUrl('/tickets/t1/qr.png')).toBe('/tickets/t1/qr.png');
  });
});
