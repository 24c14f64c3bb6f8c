import type { FastifyBaseLogger } from 'fastify';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/domain-error.js';
import { EventStoreError } from '../eventstore/errors.js';

/** What mercurius throws for a request it refuses before running it (bad JSON, invalid query). */
interface RefusedRequest extends Error {
  code: string;
  statusCode: number;
  errors?: GraphQLError[];
}

/**
 * A refusal with its code already in its extensions: what a subscription throws while
 * subscribing is sent as it is, past the error formatter.
 */
export const codedError = (error: DomainError): GraphQLError =>
  new GraphQLError(error.message, { originalError: error, extensions: { code: error.code } });

const isRefusedRequest = (error: unknown): error is RefusedRequest =>
  error instanceof Error && typeof (error as RefusedRequest).statusCode === 'number' && (error as RefusedRequest).statusCode < 500;

const REFUSAL_CODES: Record<string, string> = { MER_ERR_GQL_VALIDATION: 'GRAPHQL_VALIDATION' };

const withCode = (error: GraphQLError, code: string, message = error.message): GraphQLFormattedError => ({
  message,
  ...(error.locations ? { locations: error.locations } : {}),
  ...(error.path ? { path: error.path } : {}),
  extensions: { code },
});

/**
 * The one place that decides what a GraphQL client is told: client mistakes and known
 * domain errors keep their message and get a stable `extensions.code`; anything else is
 * logged and reported as INTERNAL without its message, which may hold internals.
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
        const codeOf = (detail: GraphQLError) => (detail.originalError instanceof DomainError ? detail.originalError.code : code);
        return cause.errors?.length ? cause.errors.map((detail) => withCode(detail, codeOf(detail))) : [withCode(error, code)];
      }
      if (cause instanceof EventStoreError || cause instanceof DomainError) return [withCode(error, cause.code, cause.message)];
      if (!cause) return [withCode(error, 'GRAPHQL_VALIDATION')];
      log.error({ err: cause, path: error.path }, 'GraphQL resolver failed');
      if (!execution.data) statusCode = 500;
      return [withCode(error, 'INTERNAL', 'Internal error')];
    });
    return { statusCode, response: { data: execution.data ?? null, errors: errors as unknown as GraphQLError[] } };
  };
