import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryCostRule } from './query-cost.js';

const schema = buildSchema(`
  type Query { events(first: Int): Page }
  type Page { nodes: [Event] }
  type Event { id: ID, sessions(first: Int): [Session] }
  type Session { id: ID }
`);
const errorsOf = (query: string, limit = 1_000) => validate(schema, parse(query), [queryCostRule(limit)]).map((e) => e.message);

describe('query cost', () => {
  it('lets a reasonable page through', () => {
    expect(errorsOf('{ events(first: 100) { nodes { id } } }')).toEqual([]);
  });

  it('refuses pages of pages, literal or through variables', () => {
    expect(errorsOf('{ events(first: 100) { nodes { id sessions(first: 100) { id } } } }')[0]).toMatch(/costs \d+, above the limit of 1000/);
    // A variable page size is priced as the largest page, 100.
    expect(errorsOf('query ($n: Int) { events(first: $n) { nodes { sessions(first: $n) { id } } } }')).toHaveLength(1);
    expect(errorsOf('query ($n: Int) { events(first: $n) { nodes { id } } }')).toEqual([]);
  });

  it('counts fields behind fragments, and survives a fragment cycle', () => {
    const viaFragment = 'query { events(first: 100) { ...page } } fragment page on Page { nodes { sessions(first: 100) { id } } }';
    expect(errorsOf(viaFragment)).toHaveLength(1);
    expect(() => errorsOf('query { events { ...a } } fragment a on Page { ...a }')).not.toThrow();
  });
});
