import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { expectGraphqlError, given } from '../../test/api-specification.js';
import { MAX_QUERY_COST, queryCostRule } from './query-cost.js';

const schema = buildSchema(`
  type Query { events(first: Int = 20): Page, undeclared(first: Int): Page, event: Event }
  type Page { nodes: [Event] }
  type Event { id: ID, sessions(first: Int): [Session] }
  type Session { id: ID }
`);
const errorsOf = (query: string, limit = 1_000) => validate(schema, parse(query), [queryCostRule(limit)]).map((e) => e.message);
/** What the rule prices a query at, read from its refusal under a limit of 0. */
const costOf = (query: string) => Number(/costs (\d+)/.exec(errorsOf(query, 0)[0] ?? '')?.[1]);

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

  it('prices a list without first at its declared default page, or the largest page where it declares none', () => {
    expect(costOf('{ events { nodes { id } } }')).toBe(1 + 20 * 2);
    expect(costOf('{ events(first: null) { nodes { id } } }')).toBe(1 + 20 * 2);
    expect(costOf('{ undeclared { nodes { id } } }')).toBe(1 + 100 * 2);
    expect(costOf('{ event { sessions { id } } }')).toBe(1 + 1 + 100);
  });

  it('prices first at most the largest page, which is all a page returns', () => {
    expect(costOf('{ events(first: 1000000) { nodes { id } } }')).toBe(1 + 100 * 2);
    expect(costOf('{ events(first: 0) { nodes { id } } }')).toBe(1 + 2);
  });

  it('counts fields behind fragments, and survives a fragment cycle', () => {
    const viaFragment = 'query { events(first: 100) { ...page } } fragment page on Page { nodes { sessions(first: 100) { id } } }';
    expect(errorsOf(viaFragment)).toHaveLength(1);
    expect(costOf('{ events { ... on Page { nodes { id } } } }')).toBe(1 + 20 * 2);
    expect(() => errorsOf('query { events { ...a } } fragment a on Page { ...a }')).not.toThrow();
  });

  it.each([
    // Each alias: the field, and 20 events of their fields with their sessions.
    ['60 aliases of a default page of events with their sessions (once priced 540)', 60, 'events { nodes { eventId title status sessions { sessionId startsAt endsAt } } }', 1 + 20 * 8],
    // Each alias: the field, and a page of 100 events of two fields; once priced 3 whatever the stream held.
    ['25 aliases of a stream’s history, a default page of 100 events each', 25, 'streamHistory(streamId: "event-x") { type data }', 1 + 100 * 2],
  ])('refuses %s, through the API', (_, aliases, field, costEach) => {
    const query = `{ ${Array.from({ length: aliases }, (_, n) => `a${n}: ${field}`).join(' ')} }`;
    return given()
      .when((client) => client.graphql(undefined, query))
      .then(expectGraphqlError('GRAPHQL_VALIDATION'), ({ response }) =>
        expect(response.json().errors[0].message).toBe(`This query costs ${aliases * costEach}, above the limit of ${MAX_QUERY_COST}: ask for smaller pages or fewer fields`),
      );
  });
});
