import fp from 'fastify-plugin';
import type { FaceVerdicts } from './check-in/face-verdicts.js';
import type { ProjectionPositions } from './projection-positions.js';
import type { ReadModels } from './read-models.js';

export interface ReadSide {
  models: ReadModels;
  positions: ProjectionPositions;
  /** A door's wait for the face verdict on its scan. */
  faceVerdicts: FaceVerdicts;
}

declare module 'fastify' {
  interface FastifyInstance {
    reads: ReadSide;
  }
}

/** Shares the read models, the read-your-writes waits and the face verdict waits with the GraphQL resolvers. */
export const readSidePlugin = fp<ReadSide>(
  async (app, reads) => {
    app.decorate('reads', reads);
  },
  { name: 'rollcall-read-side', dependencies: ['rollcall-infrastructure'] },
);
