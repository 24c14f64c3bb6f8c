import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from '../domain/domain-error.js';
import { type EnrollmentRefusal, PhotoRefused } from '../domain/face/face.js';
import { EventStoreError } from '../eventstore/errors.js';

/**
 * Every code a client is ever told, as GraphQL's `extensions.code` and as the `code` of a
 * REST error body: the domain's refusals, its refused photos and the store's keep their own
 * code, and three more name what is no refusal of theirs.
 */
export type ApiErrorCode =
  | DomainErrorCode
  | EnrollmentRefusal
  | EventStoreError['code']
  /** The GraphQL document does not fit the schema. */
  | 'GRAPHQL_VALIDATION'
  /** Not a request the API can read: bad JSON, a `query` that is no GraphQL document, a URL that is not UTF-8. */
  | 'BAD_REQUEST'
  /** Anything unexpected; its message is logged, never sent. */
  | 'INTERNAL';

/**
 * The one map from a code to its HTTP status, used by every REST route through the error
 * handler. Typed by the union above, so a new domain code does not compile until it has one.
 * (GraphQL answers keep GraphQL-over-HTTP statuses: 200 with data, 400 without.)
 */
export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  VALIDATION: 400,
  GRAPHQL_VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CAPACITY: 409,
  // As the IETF Idempotency-Key draft answers a key reused with another request.
  IDEMPOTENCY_KEY_REUSED: 422,
  // The read side is behind, not broken: asking again soon will do.
  NOT_YET_VISIBLE: 503,
  RATE_LIMITED: 429,
  // A photo the face models cannot use: sent well, but not what they can work with.
  NO_FACE: 422,
  MULTIPLE_FACES: 422,
  FACE_TOO_SMALL: 422,
  LIVENESS_FAILED: 422,
  UNSUPPORTED_IMAGE: 415,
  IMAGE_TOO_LARGE: 413,
  INTERNAL: 500,
};

/** A refusal whose message is written for the client: the domain's, a refused photo, or the event store's. */
export type Refusal = DomainError | PhotoRefused | EventStoreError;

export const isRefusal = (error: unknown): error is Refusal =>
  error instanceof DomainError || error instanceof PhotoRefused || error instanceof EventStoreError;

/** What a REST route answers with when it fails. */
export interface ErrorBody {
  error: string;
  code: ApiErrorCode;
  statusCode: number;
}

export const errorBody = (code: ApiErrorCode, message: string, statusCode = HTTP_STATUS[code]): ErrorBody => ({ error: message, code, statusCode });

export const sendError = (reply: FastifyReply, body: ErrorBody): FastifyReply => reply.code(body.statusCode).send(body);

/**
 * A refusal answered from a hook, before any route runs, in the shape the route's clients
 * read: a GraphQL error on `graphqlPath` (mercurius would report an error thrown from a hook as
 * BAD_REQUEST, losing the code), the error body elsewhere.
 */
export const sendRefusal = (reply: FastifyReply, request: FastifyRequest, graphqlPath: string, refusal: DomainError | PhotoRefused): FastifyReply =>
  reply
    .code(HTTP_STATUS[refusal.code])
    .send(
      request.routeOptions.url === graphqlPath
        ? { data: null, errors: [{ message: refusal.message, extensions: { ...(refusal instanceof DomainError ? refusal.details : {}), code: refusal.code } }] }
        : errorBody(refusal.code, refusal.message),
    );

/**
 * What a REST client is told about an error a route threw: a refusal keeps its message and
 * gets its status; one fastify raised for a request it could not take (a body over the limit,
 * a schema it fails) keeps its message and 4xx status as BAD_REQUEST, since fastify's own
 * codes (FST_ERR_…) name its internals; anything else is INTERNAL, its message hidden (and
 * its status kept when it has a 5xx one of its own).
 */
export const restErrorOf = (error: Error & { statusCode?: number }): ErrorBody => {
  if (isRefusal(error)) return errorBody(error.code, error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return errorBody('BAD_REQUEST', error.message, error.statusCode);
  return errorBody('INTERNAL', 'Internal Server Error', error.statusCode && error.statusCode > 500 ? error.statusCode : 500);
};
