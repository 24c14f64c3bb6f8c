/**
 * `npm run bench:scans`: one scanner device uploading a day offline at a busy door, 1,000
 * scans (1,000 tickets) in one `uploadScans` request, through the real GraphQL endpoint.
 * Rollcall runs as its own process (`src/main.ts api`, the PostgreSQL event store, a real
 * PostgreSQL, embedded unless DATABASE_URL names one); this process only sends requests. It
 * times the first upload, then the same batch sent again (which records nothing), for
 * BENCH_ROUNDS rounds on fresh events. Last line of output: one JSON object with every figure.
 */
import { randomUUID } from 'node:crypto';
import { MAX_UPLOADED_SCANS } from '../src/commands/check-in-commands.js';
import type { Actor } from '../src/domain/actor.js';
import { openBenchEvent, startBenchApi } from './bench-api.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCANS = MAX_UPLOADED_SCANS;
const SERVER_POOL_SIZE = 20;

const organizer: Actor = { accountId: 'bench-organizer', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-00000000be5c', roles: ['staff'] };

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const main = async () => {
  const api = await startBenchApi('scans', { serverPoolSize: SERVER_POOL_SIZE, staff });
  const { address, gql, token } = api;
  try {
    const organizerToken = await token(organizer);
    /** A published event whose door is open now, `SCANS` tickets registered for it, and a scanner device: setup, not measured. */
    const doorWithTickets = async () => {
      const { eventId, sessionId } = await openBenchEvent(gql, organizerToken, 100_000);
      const { registerScannerDevice } = await gql(organizerToken, `mutation ($e: ID!) { registerScannerDevice(eventId: $e, name: "Bench door") { deviceId token } }`, { e: eventId });
      const attendees = await Promise.all(Array.from({ length: SCANS }, () => token({ accountId: randomUUID(), roles: ['attendee'] })));
      const codes: string[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async (_, client) => {
          for (let i = client; i < attendees.length; i += 16)
            codes.push((await gql(attendees[i]!, `mutation ($e: ID!) { register(eventId: $e) { ticket { code } } }`, { e: eventId })).register.ticket.code);
        }),
      );
      return { eventId, sessionId, device: registerScannerDevice as { deviceId: string; token: string }, codes };
    };

    const UPLOAD = `mutation ($e: ID!, $s: ID!, $d: ID!, $scans: [OfflineScanInput!]!) {
      uploadScans(eventId: $e, sessionId: $s, deviceId: $d, scans: $scans) { nonce scan { result } error { code } } }`;
    const firsts: number[] = [];
    const resends: number[] = [];
    console.log(`${SCANS} scans per upload, GraphQL over HTTP at ${address} (a separate process), PostgreSQL event store`);
    console.log('\nround | first upload ms | sent again ms');
    for (let r = 1; r <= ROUNDS; r++) {
      const door = await doorWithTickets();
      const scannedAt = (i: number) => new Date(Date.now() - 20 * 60_000 + i * 1_000).toISOString();
      const scans = door.codes.map((code, i) => ({ code, scannedAt: scannedAt(i), nonce: `bench-${i}` }));
      const upload = async () => {
        const started = performance.now();
        const { uploadScans } = await gql(door.device.token, UPLOAD, { e: door.eventId, s: door.sessionId, d: door.device.deviceId, scans });
        const elapsed = performance.now() - started;
        const ok = (uploadScans as { scan: { result: string } | null }[]).filter((result) => result.scan?.result === 'ok').length;
        if (ok !== SCANS) throw new Error(`only ${ok} of ${SCANS} scans came back ok`);
        return elapsed;
      };
      firsts.push(await upload());
      resends.push(await upload());
      console.log(`${String(r).padStart(5)} | ${String(round(firsts.at(-1)!)).padStart(15)} | ${String(round(resends.at(-1)!)).padStart(13)}`);
    }
    console.log(`\n${SCANS} offline scans uploaded in ${round(median(firsts))} ms (median of ${ROUNDS}); sent again in ${round(median(resends))} ms`);
    console.log(JSON.stringify({ benchmark: 'scans', scans_per_upload: SCANS, rounds: ROUNDS, first_upload_ms: round(median(firsts)), resend_ms: round(median(resends)) }));
  } finally {
    await api.close();
  }
};

await main();
