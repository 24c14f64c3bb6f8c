import { Agent, request } from 'undici';
import type { Attendee } from './attendees.js';

const REGISTER = `mutation ($e: ID!) { register(eventId: $e) { registrationId status } }`;

export interface Answer {
  registrationId: string;
  status: string;
}

export interface StampedeResult {
  /** From the first request sent to the last answer received. */
  seconds: number;
  /** Each request's milliseconds, sorted. */
  latencies: number[];
  /** Registrations the API answered, by attendee index (undefined where it failed). */
  answers: (Answer | undefined)[];
  /** What went wrong, by kind ("HTTP 503", a GraphQL code, a socket error), and how often. */
  errors: Map<string, number>;
}

/**
 * Every attendee registers once for `eventId` through POST /graphql, from `connections`
 * clients at once, each on a keep-alive connection of its own (one undici pool of that
 * many connections), each taking the next attendee as soon as its last answer came back.
 */
export const stampede = async (address: string, eventId: string, attendees: readonly Attendee[], connections: number): Promise<StampedeResult> => {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 300_000, bodyTimeout: 300_000 });
  const url = `${address}/graphql`;
  const latencies: number[] = [];
  const answers: (Answer | undefined)[] = new Array(attendees.length);
  const errors = new Map<string, number>();
  const failed = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  let next = 0;
  const startedAt = performance.now();
  try {
    await Promise.all(
      Array.from({ length: Math.min(connections, attendees.length) }, async () => {
        while (next < attendees.length) {
          const i = next++;
          const sent = performance.now();
          try {
            const response = await request(url, {
              method: 'POST',
              dispatcher: agent,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${attendees[i]!.token}` },
              body: JSON.stringify({ query: REGISTER, variables: { e: eventId } }),
            });
            const body = (await response.body.json()) as { data?: { register?: Answer }; errors?: { extensions?: { code?: string } }[] };
            if (response.statusCode !== 200) failed(`HTTP ${response.statusCode}`);
            else if (body.errors?.length) failed(body.errors[0]!.extensions?.code ?? 'GraphQL error');
            else answers[i] = body.data!.register!;
          } catch (error) {
            failed((error as NodeJS.ErrnoException).code ?? (error as Error).name);
          }
          latencies.push(performance.now() - sent);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  const seconds = (performance.now() - startedAt) / 1_000;
  latencies.sort((a, b) => a - b);
  return { seconds, latencies, answers, errors };
};

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
