import fp from 'fastify-plugin';
import type { ProjectionPositions } from './projection-positions.js';
import type { ReadModels } from './read-models.js';

export interface ReadSide {
  models: ReadModels;
  positions: ProjectionPositions;
}

declare module 'fastify' {
  interface FastifyInstance {
    reads: ReadSide;
  }
}

/** Shares the read models and the read-your-writes waits with the GraphQL resolvers. */
export const readSidePlugin = fp<ReadSide>(
  async (app, reads) => {
    app.decorate('reads', reads);
  },
  { name: 'rollcall-read-side', dependencies: ['rollcall-infrastructure'] },
);
