import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { type ApiErrorCode, HTTP_STATUS } from './error-map.js';

const NOT_TEXT = 'query must be a string holding a GraphQL document';
const BAD_REQUEST: ApiErrorCode = 'BAD_REQUEST';

/** How JSON text may begin; of GraphQL documents only `{ … }` (a query's shorthand) and `fragment …` do too. */
const MAY_BE_JSON = /^\s*[[{"0-9tfn-]/;

/**
 * Mercurius takes a `query` that is not a string, or a string that fails to parse but is
 * JSON, for a pre-parsed document, and crashes validating whatever that JSON was (`42`,
 * `"{ }"`): a 500 for a client's typo, and a way to send it unvalidated syntax trees. No
 * GraphQL document is valid JSON, so both are refused here as the client mistakes they are.
 */
const queryProblem = (query: unknown): string | undefined => {
  if (query === undefined) return undefined; // mercurius itself answers a missing query
  if (typeof query !== 'string') return NOT_TEXT;
  // Parsing throws for nearly every real document, each throw about 60 µs of the API's CPU
  // under bench:onsale's load: only text that could be JSON is tried.
  if (!MAY_BE_JSON.test(query)) return undefined;
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
    if (problem) return reply.code(HTTP_STATUS.BAD_REQUEST).send({ data: null, errors: [{ message: problem, extensions: { code: BAD_REQUEST } }] });
  });
};

/**
 * The same over the websocket, where mercurius takes a `query` that is not a string for the
 * document it claims to be, and subscribes to it as it is. Mercurius parses only
 * text, and runs `preSubscriptionParsing` only for text: a subscription that reaches execution
 * without having passed there was sent as something else, and is refused.
 */
export const refuseNonDocumentSubscriptions = (app: FastifyInstance): void => {
  const sentAsText = new WeakSet<MercuriusContext>();
  app.graphql.addHook('preSubscriptionParsing', (_schema, _source, context) => {
    sentAsText.add(context);
  });
  app.graphql.addHook('preSubscriptionExecution', (_schema, _document, context) => {
    // Sent to the client as it is, past the error formatter, so it carries its code itself.
    if (!sentAsText.has(context)) throw new GraphQLError(NOT_TEXT, { extensions: { code: BAD_REQUEST } });
  });
};
