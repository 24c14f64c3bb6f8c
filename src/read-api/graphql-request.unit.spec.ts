import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type ApiClient, expectNoNewEvents, expectResponse, given } from '../../test/api-specification.js';
import { organizer } from './attendance-api.fixture.js';

/** Only query text is run: a syntax tree sent in its place, which mercurius would execute, is refused by POST and GET. */

const HOUR = 3_600_000;
const CREATE = `mutation { createEvent(capacity: 5, details: {
  title: "Sent as a tree", venue: "Hall", timeZone: "UTC",
  registrationOpensAt: "${new Date(Date.now() - HOUR).toISOString()}", registrationClosesAt: "${new Date(Date.now() + HOUR).toISOString()}"
}) { eventId } }`;

const refused = expectResponse(400, {
  data: null,
  errors: [{ message: 'query must be a string holding a GraphQL document', extensions: { code: 'BAD_REQUEST' } }],
});

/** POSTs `body` as the organizer, whose createEvent appends an event when it runs. */
const post = async ({ app }: ApiClient, body: object) =>
  app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${(await app.tokens.issueAccessToken(organizer)).token}` },
    payload: JSON.stringify(body),
  });

describe('a GraphQL request', () => {
  it('runs query text', () =>
    given()
      .when((client) => post(client, { query: CREATE }))
      .then(expectResponse(200), ({ newEvents }) => expect(newEvents.map((e) => e.type)).toEqual(['EventCreated'])));

  it('refuses the same mutation sent by POST as a parsed document, and runs nothing', () =>
    given()
      .when((client) => post(client, { query: parse(CREATE) }))
      .then(refused, expectNoNewEvents()));

  it('refuses a parsed document sent by GET as JSON text, or as several values', () =>
    given()
      .when(async ({ app }) => {
        const json = await app.inject({ method: 'GET', url: '/graphql', query: { query: JSON.stringify(parse('{ __typename }')) } });
        expect(json.statusCode).toBe(400);
        expect(json.json()).toMatchObject({ errors: [{ message: 'query must be a GraphQL document, not JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return app.inject({ method: 'GET', url: '/graphql?query=%7B__typename%7D&query=%7B__typename%7D' });
      })
      .then(refused));
});
