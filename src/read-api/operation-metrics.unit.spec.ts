import type { IncomingMessage } from 'node:http';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationOf } from './operation-metrics.js';
import { requestIdOf } from './request-id.js';

describe('the operation label of a GraphQL request', () => {
  it('is its root field and type, whatever the client named the operation', () => {
    expect(operationOf(parse('mutation AnyNameAtAll { register(eventId: "e") { status } }'))).toEqual({ operation: 'register', type: 'mutation' });
    expect(operationOf(parse('{ __typename health { status } }'))).toEqual({ operation: 'health', type: 'query' });
  });

  it('is `multiple` for several root fields, and follows operationName among several operations', () => {
    expect(operationOf(parse('{ health { status } me { id } }'))).toEqual({ operation: 'multiple', type: 'query' });
    const document = parse('query A { health { status } } mutation B { logOut(refreshToken: "t") { position } }');
    expect(operationOf(document, 'B')).toEqual({ operation: 'logOut', type: 'mutation' });
    expect(operationOf(document, 'C')).toEqual({ operation: 'unknown', type: 'unknown' });
  });
});

describe('the id of a request', () => {
  const sent = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;

  it('is the caller’s x-request-id when it is a plain id', () => {
    expect(requestIdOf(sent('4bf92f3577b34da6a3ce929d0e0e4736'))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('is a fresh UUID without one, or for one that could forge a log line or run on', () => {
    for (const id of [undefined, '', 'a\nb', 'x'.repeat(129), 'id with spaces', '"quoted"'])
      expect(requestIdOf(sent(id)), String(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
