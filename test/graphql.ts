import type { FastifyInstance } from 'fastify';
import type { Actor } from '../src/domain/actor.js';

/** A GraphQL client for e2e specs: sends as `actor` (a freshly minted access token) or anonymously. */
export const graphqlClient =
  (app: () => FastifyInstance) =>
  async (actor: Actor | undefined, query: string, variables: Record<string, unknown> = {}) => {
    const authorization = actor ? { authorization: `Bearer ${(await app().tokens.issueAccessToken(actor)).token}` } : {};
    const response = await app().inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...authorization },
      payload: JSON.stringify({ query, variables }),
    });
    const body = response.json();
    return { data: body.data, code: body.errors?.[0]?.extensions?.code as string | undefined, errors: body.errors };
  };
