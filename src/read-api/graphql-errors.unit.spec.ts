import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import { InvalidInputError, WrongExpectedRevisionError } from '../eventstore/errors.js';
import { formatGraphqlErrors, subscriptionError } from './graphql-errors.js';

const log = { error: vi.fn() } as never;
const failed = (cause: Error, data: Record<string, unknown> | null = null) => ({
  data,
  errors: [new GraphQLError(cause.message, { path: ['field'], originalError: cause })],
});

describe('formatGraphqlErrors', () => {
  it('hides the message of an unexpected error behind INTERNAL and a 500', () => {
    const { statusCode, response } = formatGraphqlErrors(log)(failed(new Error('password=hunter2 in connection string')));
    expect(statusCode).toBe(500);
    expect(response.errors).toEqual([{ message: 'Internal error', path: ['field'], extensions: { code: 'INTERNAL' } }]);
  });

  it('keeps a partial result at 200 when one field failed', () => {
    const { statusCode } = formatGraphqlErrors(log)(failed(new Error('boom'), { other: 1 }));
    expect(statusCode).toBe(200);
  });

  it('passes store errors through with their stable code', () => {
    const validation = formatGraphqlErrors(log)(failed(new InvalidInputError('A stream id must be ...')));
    expect(validation.response.errors?.[0]).toMatchObject({ message: 'A stream id must be ...', extensions: { code: 'VALIDATION' } });
    const conflict = formatGraphqlErrors(log)(failed(new WrongExpectedRevisionError('s', 'revision 1', 2n)));
    expect(conflict.response.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT' });
  });
});

describe('subscriptionError', () => {
  it('carries a refusal\'s code itself, since nothing formats it later', () => {
    const refused = subscriptionError(new DomainError('FORBIDDEN', 'Only the organizer and staff of this event can see this'), log);
    expect(refused.toJSON()).toMatchObject({ message: 'Only the organizer and staff of this event can see this', extensions: { code: 'FORBIDDEN' } });
  });

  it('hides anything else behind INTERNAL', () => {
    expect(subscriptionError(new Error('connection refused on 10.0.0.3'), log).toJSON()).toEqual({ message: 'Internal error', extensions: { code: 'INTERNAL' } });
  });
});
