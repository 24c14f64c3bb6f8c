/**
 * Register and check-in throughput and latency through the real GraphQL endpoint with 1,
 * 16 and 64 concurrent clients. Rollcall runs as its own process (`src/main.ts api`, the
 * PostgreSQL event store, a real PostgreSQL); this process only drives HTTP load, so the
 * load generator does not eat the server's event loop. Last line of output: one JSON
 * object with every figure.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/domain/actor.js';
import { type BenchApi, openBenchEvent, startBenchApi } from './bench-api.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = [1, 16, 64];
const SERVER_POOL_SIZE = 20;

const organizer: Actor = { accountId: 'bench-organizer', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-00000000be4c', roles: ['staff'] };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const main = async (api: BenchApi) => {
  const { address, gql, token } = api;
  const organizerToken = await token(organizer);
  const openEvent = (capacity: number) => openBenchEvent(gql, organizerToken, capacity, { staffId: staff.accountId });

  /** `clients` loops for SECONDS, each taking the next job; returns throughput and latency. */
  const drive = async (clients: number, job: (n: number) => Promise<void>) => {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const n = next++;
          const t = performance.now();
          await job(n);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length };
  };

  const figures: Record<string, number> = {};
  console.log(`${SECONDS}s per case, GraphQL over HTTP at ${address} (a separate process), PostgreSQL event store`);
  console.log('\ncommand   clients |  per second | p50 ms | p99 ms');

  const REGISTER = `mutation ($e: ID!) { register(eventId: $e) { status ticket { code } } }`;
  const CHECK_IN = `mutation ($e: ID!, $s: ID!, $c: String!) { checkIn(eventId: $e, sessionId: $s, code: $c) { result } }`;

  for (const clients of CLIENTS) {
    // One event per case, large enough never to fill: the seat ledger is exercised, not the waiting list.
    const { eventId } = await openEvent(100_000);
    // Each registers once: more than the fastest case takes in SECONDS (about 2,500/s at 64 clients).
    const attendees = await Promise.all(Array.from({ length: Math.max(20_000, SECONDS * 6_000) }, () => token({ accountId: randomUUID(), roles: ['attendee'] })));
    const result = await drive(clients, async (n) => {
      const attendee = attendees[n];
      if (!attendee) throw new Error(`all ${attendees.length} prepared attendees registered within ${SECONDS} s: prepare more`);
      const { register } = await gql(attendee, REGISTER, { e: eventId });
      if (register.status !== 'confirmed') throw new Error(`registration ${n} came back ${register.status}`);
    });
    report('register', clients, result);
  }

  const staffToken = await token(staff);
  for (const clients of CLIENTS) {
    const { eventId, sessionId } = await openEvent(100_000);
    // Tickets to scan, registered through the API beforehand: setup, not measured.
    const attendees = await Promise.all(Array.from({ length: 6_000 }, () => token({ accountId: randomUUID(), roles: ['attendee'] })));
    const codes: string[] = [];
    await Promise.all(
      Array.from({ length: 32 }, async (_, client) => {
        for (let i = client; i < attendees.length; i += 32) codes.push((await gql(attendees[i]!, REGISTER, { e: eventId })).register.ticket.code);
      }),
    );
    const result = await drive(clients, async (n) => {
      const { checkIn } = await gql(staffToken, CHECK_IN, { e: eventId, s: sessionId, c: codes[n % codes.length] });
      if (n < codes.length && checkIn.result !== 'ok') throw new Error(`scan ${n} came back ${checkIn.result}`);
    });
    report('checkin', clients, result);
  }

  function report(name: string, clients: number, result: { perSecond: number; p50: number; p99: number }) {
    figures[`${name}_per_s_at_${clients}`] = round(result.perSecond);
    figures[`${name}_p50_ms_at_${clients}`] = round(result.p50, 2);
    figures[`${name}_p99_ms_at_${clients}`] = round(result.p99, 2);
    console.log(
      `${name.padEnd(9)} ${String(clients).padStart(7)} | ${String(round(result.perSecond)).padStart(11)} | ${String(round(result.p50, 2)).padStart(6)} | ${String(round(result.p99, 2)).padStart(6)}`,
    );
  }

  console.log(JSON.stringify({ benchmark: 'commands', seconds_per_case: SECONDS, ...figures }));
};

const api = await startBenchApi('commands', { serverPoolSize: SERVER_POOL_SIZE, staff });
try {
  await main(api);
} finally {
  // Also when a case fails: the api process and the embedded PostgreSQL would outlive this one.
  await api.close();
}
