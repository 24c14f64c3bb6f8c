import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** `path` of this API (`/tickets/…/qr.png`) as a link people can follow from anywhere: a mail, another site, a phone. */
    publicUrl(path: string): string;
  }
}

export interface PublicUrlOptions {
  /** PUBLIC_BASE_URL: where people reach the API, behind whatever proxy; without a trailing slash. */
  publicBaseUrl?: string | undefined;
}

/**
 * Links under PUBLIC_BASE_URL. Without it, under the address the API listens on, as
 * `http://127.0.0.1:<PORT>` when it listens on every interface (its own name for itself is
 * unknown then); before it listens (an app driven by inject(), as the specs do) the path
 * stays relative.
 */
export const publicUrlPlugin = fp<PublicUrlOptions>(
  async (app, { publicBaseUrl }) => {
    const listeningBase = (): string => {
      const address = app.server.address() as AddressInfo | string | null;
      if (!address || typeof address === 'string') return '';
      const unspecified = address.address === '0.0.0.0' || address.address === '::';
      const host = unspecified ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    };
    app.decorate('publicUrl', (path: string) => `${publicBaseUrl ?? listeningBase()}${path}`);
  },
  { name: 'rollcall-public-url' },
);
