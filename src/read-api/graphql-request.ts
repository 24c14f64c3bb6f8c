import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HTTP_STATUS } from './error-map.js';

/**
 * Mercurius takes a `query` that is not a string, or a string that fails to parse but is
 * JSON, for a pre-parsed document, and crashes validating whatever that JSON was (`42`,
 * `"{ }"`): a 500 for a client's typo, and a way to send it unvalidated syntax trees. No
 * GraphQL document is valid JSON, so both are refused here as the client mistakes they are.
 */
const queryProblem = (query: unknown): string | undefined => {
  if (query === undefined) return undefined; // mercurius itself answers a missing query
  if (typeof query !== 'string') return 'query must be a string holding a GraphQL document';
  try {
    JSON.parse(query);
  } catch {
    return undefined;
  }
  return 'query must be a GraphQL document, not JSON';
};

const queryOf = (request: FastifyRequest): unknown => {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' && !Array.isArray(source) ? (source as { query?: unknown }).query : undefined;
};

export const refuseNonDocumentQueries = (app: FastifyInstance, path: string): void => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== path) return;
    const problem = queryProblem(queryOf(request));
    if (problem) return reply.code(HTTP_STATUS.BAD_REQUEST).send({ data: null, errors: [{ message: problem, extensions: { code: 'BAD_REQUEST' } }] });
  });
};
