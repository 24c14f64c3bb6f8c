import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller's request id may be: ids, trace ids and ULIDs fit; anything that could forge a log line or a label does not. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's `x-request-id` when it is a sane id (a proxy's, or a
 * client's that wants to find its request again), else a fresh UUID. It names the request's
 * log lines and becomes the correlation id of the events the request appends.
 */
export const requestIdOf = (request: IncomingMessage): string => {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
};
