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
  /** The same, sorted, of the requests after the first wave (one per connection, sent at once on the clock). */
  afterFirstWave: number[];
  /** Registrations the API answered, by attendee index (undefined where it failed). */
  answers: (Answer | undefined)[];
  /** What went wrong, by kind ("HTTP 503", a GraphQL code, a socket error), and how often. */
  errors: Map<string, number>;
  /** When the first request was sent, in ms since the epoch, to line the timeline up with other processes' clocks. */
  startedAtEpochMs: number;
  /** Each request in the order sent: [ms after the first was sent, its latency in ms]. An aggregate p99 hides a short stall that the slowest requests share. */
  timeline: [number, number][];
}

/**
 * `connections` keep-alive connections to `address` (one undici pool of that many). `openFirst`:
 * opened now (one GET /healthz each), as the browsers of people waiting on the event's page for
 * the sale to open hold theirs. Otherwise they open with the first registrations, and queue to
 * be accepted: libuv accepts one connection per turn of the event loop, and each turn of a
 * loaded server is long.
 */
export const connectionsTo = async (address: string, connections: number, openFirst: boolean): Promise<Agent> => {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 600_000, headersTimeout: 300_000, bodyTimeout: 300_000 });
  if (openFirst)
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const response = await request(`${address}/healthz`, { dispatcher: agent });
        await response.body.dump();
      }),
    );
  return agent;
};

/**
 * Every attendee registers once for `eventId` through POST /graphql, from `connections`
 * clients at once, each on a keep-alive connection of `agent`'s, each taking the next attendee
 * as soon as its last answer came back. Closes `agent`.
 */
export const stampede = async (agent: Agent, address: string, eventId: string, attendees: readonly Attendee[], connections: number): Promise<StampedeResult> => {
  const url = `${address}/graphql`;
  const latencies: number[] = [];
  const afterFirstWave: number[] = [];
  const answers: (Answer | undefined)[] = new Array(attendees.length);
  const errors = new Map<string, number>();
  const failed = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  const timeline: [number, number][] = new Array(attendees.length);
  let next = 0;
  const [startedAt, startedAtEpochMs] = [performance.now(), Date.now()];
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
          const ms = performance.now() - sent;
          latencies.push(ms);
          timeline[i] = [Math.round(sent - startedAt), Math.round(ms)];
          if (i >= connections) afterFirstWave.push(ms);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  const seconds = (performance.now() - startedAt) / 1_000;
  for (const list of [latencies, afterFirstWave]) list.sort((a, b) => a - b);
  return { seconds, latencies, afterFirstWave, answers, errors, startedAtEpochMs, timeline };
};

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
