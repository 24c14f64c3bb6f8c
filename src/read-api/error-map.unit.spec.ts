import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import { WrongExpectedRevisionError } from '../eventstore/errors.js';
import { restErrorOf } from './error-map.js';

describe('the error map, for REST routes', () => {
  it('answers a domain refusal with its status, code and message', () => {
    expect(restErrorOf(new DomainError('CONFLICT', 'The event is cancelled'))).toEqual({ error: 'The event is cancelled', code: 'CONFLICT', statusCode: 409 });
    expect(restErrorOf(new DomainError('NOT_YET_VISIBLE', 'ask again'))).toMatchObject({ code: 'NOT_YET_VISIBLE', statusCode: 503 });
  });

  it("answers the event store's refusals with their code", () => {
    expect(restErrorOf(new WrongExpectedRevisionError('s', 'revision 1', 2n))).toMatchObject({ code: 'CONFLICT', statusCode: 409 });
  });

  it('keeps the 4xx status and message of a request fastify could not take, as BAD_REQUEST', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(restErrorOf(tooLarge)).toEqual({ error: 'Request body is too large', code: 'BAD_REQUEST', statusCode: 413 });
  });

  it('hides anything else behind INTERNAL and a 500', () => {
    expect(restErrorOf(new Error('password=hunter2 in connection string'))).toEqual({ error: 'Internal Server Error', code: 'INTERNAL', statusCode: 500 });
  });
});
