import type { FastifyBaseLogger } from 'fastify';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/domain-error.js';
import { type ApiErrorCode, isRefusal } from './error-map.js';

/** What mercurius throws for a request it refuses before running it (bad JSON, invalid query). */
interface RefusedRequest extends Error {
  code: string;
  statusCode: number;
  errors?: GraphQLError[];
}

const INTERNAL_MESSAGE = 'Internal error';

/**
 * What a subscription throws while subscribing is sent as it is, past the error formatter,
 * so it carries its code itself: a refusal keeps its message and code; anything else is
 * logged and sent as INTERNAL.
 */
export const subscriptionError = (error: unknown, log: FastifyBaseLogger): GraphQLError => {
  if (isRefusal(error)) return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code } });
  log.error({ err: error }, 'GraphQL subscription failed');
  return new GraphQLError(INTERNAL_MESSAGE, { extensions: { code: 'INTERNAL' } });
};

const isRefusedRequest = (error: unknown): error is RefusedRequest =>
  error instanceof Error && typeof (error as RefusedRequest).statusCode === 'number' && (error as RefusedRequest).statusCode < 500;

const REFUSAL_CODES: Record<string, ApiErrorCode> = { MER_ERR_GQL_VALIDATION: 'GRAPHQL_VALIDATION' };

const withCode = (error: GraphQLError, code: ApiErrorCode, message = error.message, details = {}): GraphQLFormattedError => ({
  message,
  ...(error.locations ? { locations: error.locations } : {}),
  ...(error.path ? { path: error.path } : {}),
  extensions: { ...details, code },
});

/**
 * The one place that decides what a GraphQL client is told, with the codes of the error map:
 * client mistakes and refusals keep their message and get a stable `extensions.code`;
 * anything else is logged and reported as INTERNAL without its message, which may hold internals.
 */
export const formatGraphqlErrors =
  (log: FastifyBaseLogger) =>
  (execution: ExecutionResult & { errors: readonly GraphQLError[] }): { statusCode: number; response: ExecutionResult } => {
    let statusCode = execution.data ? 200 : 400;
    const errors = execution.errors.flatMap((error): GraphQLFormattedError[] => {
      const cause = error.originalError;
      if (isRefusedRequest(cause)) {
        const code = REFUSAL_CODES[cause.code] ?? 'BAD_REQUEST';
        statusCode = cause.statusCode;
        // A value a scalar refused is the client's mistake in a value, not in the query's shape.
        const codeOf = (detail: GraphQLError) => (isRefusal(detail.originalError) ? detail.originalError.code : code);
        return cause.errors?.length ? cause.errors.map((detail) => withCode(detail, codeOf(detail))) : [withCode(error, code)];
      }
      if (isRefusal(cause)) return [withCode(error, cause.code, cause.message, cause instanceof DomainError ? cause.details : {})];
      if (!cause) return [withCode(error, 'GRAPHQL_VALIDATION')];
      log.error({ err: cause, path: error.path }, 'GraphQL resolver failed');
      if (!execution.data) statusCode = 500;
      return [withCode(error, 'INTERNAL', INTERNAL_MESSAGE)];
    });
    return { statusCode, response: { data: execution.data ?? null, errors: errors as unknown as GraphQLError[] } };
  };
