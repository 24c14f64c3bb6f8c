import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** CORS_ORIGINS: exact origins (`https://app.example.org`). */
  origins: readonly string[];
}

/**
 * Lets pages of the CORS_ORIGINS call the API from a browser. With none (the default) it adds
 * nothing: without CORS headers a browser lets only pages of the API's own origin read its
 * answers. Bearer tokens, not cookies, carry the caller, so credentials stay off.
 */
export const corsPlugin = fp<CorsOptions>(
  async (app, { origins }) => {
    if (origins.length === 0) return;
    await app.register(cors, {
      origin: [...origins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
      credentials: false,
      // Browsers ask again before each call otherwise; ten minutes, after which a changed list applies.
      maxAge: 600,
    });
  },
  { name: 'rollcall-cors' },
);
