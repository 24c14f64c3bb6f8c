/**
 * Face verification on this machine, in three parts. (1) Each stage of the pipeline (decode,
 * detect, landmarks, align, embed, liveness) on the six sample photos shrunk to 640 px, in this
 * process, one ORT thread per model as the workers run them. (2) The worker pool's throughput
 * (2 workers) on the same photos and on the 1920 px originals. (3) The door: `checkIn` with a
 * photo and `waitForFace` against a real `rollcall all` (API, projector, the face-verification
 * reactor, its own face pool) on PostgreSQL, from the request to the final result. Last line of
 * output: one JSON object with every figure, `verify_median_ms` (one 640 px photo after
 * decoding: detect to liveness) and `door_p95_ms` among them.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { givenAccount } from '../test/accounts.js';
import { multipartRequest } from '../test/graphql-multipart.js';
import { spawnRollcall } from '../test/spawn-rollcall.js';
import { postgresSigningKeys } from '../src/commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../src/commands/accounts/token-service.js';
import type { Actor } from '../src/domain/actor.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { createFaceEngine } from '../src/ml/face/create-face-engine.js';
import { loadFaceModels } from '../src/ml/face/face-models.js';
import { DEFAULT_DECODING_LIMITS } from '../src/ml/face/photo-decoding.js';
import { STAGES, type Stage, examinePhoto } from '../src/ml/face/photo-examination.js';
import { SAMPLE_FACES, portraitOf, samplePhoto } from '../src/ml/face/sample-faces.fixture.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { MasterKey } from '../src/security/master-key.js';
import { openBenchDatabase } from './bench-database.js';

/** Rounds over the six photos for the stages and the pool. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** Attendees scanned at the door, one after another as at one scanner. */
const DOOR_SCANS = Number(process.env.BENCH_DOOR_SCANS ?? 40);
const PHOTOS = [1, 2, 3, 4, 5, 6];
const HOUR = 3_600_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const summary = (values: number[]) => ({ median: round(percentile(values, 50)), p95: round(percentile(values, 95)) });

const shrunk = async (photo: Buffer, side: number) => sharp(photo).resize(side, side, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();

/** (1) Milliseconds per stage, and per photo after decoding, in this thread. */
const stages = async (photos: Buffer[]) => {
  const models = await loadFaceModels();
  const times = Object.fromEntries(STAGES.map((stage) => [stage, [] as number[]])) as Record<Stage, number[]>;
  const verify: number[] = [];
  for (let round = -1; round < ROUNDS; round++)
    for (const photo of photos) {
      const run: Partial<Record<Stage, number>> = {};
      await examinePhoto(models, photo, DEFAULT_DECODING_LIMITS, (stage, ms) => (run[stage] = ms));
      // The first round warms ORT and the JIT up, and is not counted.
      if (round < 0) continue;
      for (const stage of STAGES) times[stage].push(run[stage] ?? 0);
      verify.push(STAGES.filter((stage) => stage !== 'decode').reduce((sum, stage) => sum + (run[stage] ?? 0), 0));
    }
  return { stages: Object.fromEntries(STAGES.map((stage) => [stage, summary(times[stage])])) as Record<Stage, ReturnType<typeof summary>>, verify: summary(verify) };
};

/** (2) Photos a second through the pool, all queued at once. */
const throughput = async (photos: Buffer[]) => {
  const engine = createFaceEngine({ workers: 2 });
  try {
    await Promise.all(photos.slice(0, 2).map((photo) => engine.examine(photo)));
    const batch = Array.from({ length: ROUNDS }, () => photos).flat();
    const started = performance.now();
    await Promise.all(batch.map((photo) => engine.examine(photo)));
    return round(batch.length / ((performance.now() - started) / 1000));
  } finally {
    await engine.close();
  }
};

/** The faces looking at the camera: each attendee enrolls one and is scanned with a mirrored, recompressed copy. */
const FRONTAL = SAMPLE_FACES.filter((face) => !['profile', 'looking-down', 'ponytail'].includes(face.person));

const CHECK_IN = `mutation ($e: ID!, $s: ID!, $code: String!, $photo: Upload, $wait: Boolean) {
  checkIn(eventId: $e, sessionId: $s, code: $code, photo: $photo, waitForFace: $wait) { result } }`;
const REGISTER = `mutation ($e: ID!) { register(eventId: $e) { status ticket { code } } }`;

/** (3) From `checkIn` to its final result, through a real Rollcall: the milliseconds of each scan, and how many came out `ok`. */
const door = async () => {
  const database = await openBenchDatabase('face');
  const pool = createPool(database.url, 4, (error) => console.error(`idle connection lost: ${error.message}`));
  await migrate(pool);
  const masterKey = MasterKey.generate();
  const server = await spawnRollcall('all', {
    ...process.env,
    ROLLCALL_MASTER_KEY: masterKey.toText(),
    DATABASE_URL: database.url,
    EVENTSTORE_URL: '',
    KAFKA_BROKERS: '',
    PORT: '0',
    DATA_DIR: database.dir,
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'off',
  });
  const { store } = personalDataStore(new PostgresEventStore({ pool, connectionString: database.url }), pool, masterKey);
  try {
    const tokens = new TokenService(postgresSigningKeys(pool, { masterKey }));
    const bearer = async (actor: Actor) => `Bearer ${(await tokens.issueAccessToken(actor)).token}`;
    const post = async (actor: Actor, path: string, headers: Record<string, string>, body: Buffer | string) => {
      const response = await fetch(`${server.address}${path}`, { method: 'POST', headers: { ...headers, authorization: await bearer(actor) }, body });
      const text = await response.text();
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as { data?: Record<string, any>; errors?: unknown[] };
    };
    const gql = async (actor: Actor, query: string, variables: Record<string, unknown>) => {
      const body = await post(actor, '/graphql', { 'content-type': 'application/json' }, JSON.stringify({ query, variables }));
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };

    const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
    const staff = await givenAccount(store, { accountId: randomUUID(), roles: ['staff'] });
    const { createEvent } = await gql(organizer, `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 1000) { eventId } }`, {
      d: {
        title: 'Face benchmark',
        venue: 'Hall',
        timeZone: 'UTC',
        faceVerification: 'required',
        registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
        registrationClosesAt: new Date(Date.now() + 24 * HOUR).toISOString(),
      },
    });
    const eventId = createEvent.eventId as string;
    const { scheduleSessions } = await gql(organizer, `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { sessions { sessionId } } }`, {
      e: eventId,
      p: { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 4 * HOUR).toISOString() },
    });
    const sessionId = scheduleSessions.sessions[0].sessionId as string;
    await gql(organizer, `mutation ($e: ID!) { assignStaff(eventId: $e, staffId: "${staff.accountId}") { eventId } }`, { e: eventId });
    await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { status } }`, { e: eventId });

    // Set-up, not measured: each attendee enrolls a face (POST /me/face) and registers.
    const scans: { code: string; photo: Buffer }[] = [];
    for (let i = 0; i < DOOR_SCANS; i++) {
      const attendee = await givenAccount(store, { accountId: randomUUID(), roles: ['attendee'] });
      const portrait = await portraitOf(FRONTAL[i % FRONTAL.length]!);
      await post(attendee, '/me/face', { 'content-type': 'image/jpeg' }, portrait);
      const { register } = await gql(attendee, REGISTER, { e: eventId });
      if (register.status !== 'confirmed') throw new Error(`registration ${i} came back ${register.status}`);
      scans.push({ code: register.ticket.code, photo: await sharp(portrait).flop().resize(480, 480).jpeg({ quality: 80 }).toBuffer() });
    }

    const latencies: number[] = [];
    let ok = 0;
    for (const { code, photo } of scans) {
      const request = multipartRequest(CHECK_IN, { e: eventId, s: sessionId, code, wait: true, photo: null }, [{ path: 'variables.photo', bytes: photo }]);
      const started = performance.now();
      const body = await post(staff, '/graphql', request.headers, request.body);
      latencies.push(performance.now() - started);
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      if (body.data!.checkIn.result === 'ok') ok++;
    }
    return { ...summary(latencies), ok };
  } finally {
    const exitCode = await server.stop();
    if (exitCode !== 0) console.error(`rollcall exited with ${exitCode}:\n${server.output()}`);
    await store.close();
    await pool.end();
    await database.close();
  }
};

const main = async () => {
  const originals = await Promise.all(PHOTOS.map(samplePhoto));
  const at640 = await Promise.all(originals.map((photo) => shrunk(photo, 640)));

  const measured = await stages(at640);
  console.log(`Stages on the six sample photos at 640 px, ${ROUNDS} rounds, one ORT thread (ms):`);
  console.log('stage       median     p95');
  for (const stage of STAGES) console.log(`${stage.padEnd(10)} ${String(measured.stages[stage].median).padStart(7)} ${String(measured.stages[stage].p95).padStart(7)}`);
  console.log(`after decode ${String(measured.verify.median).padStart(5)} ${String(measured.verify.p95).padStart(7)}   (verify: detect to liveness)`);

  const perSecond640 = await throughput(at640);
  const perSecond1920 = await throughput(originals);
  console.log(`\nPool of 2 workers on 2 cores: ${perSecond640} photos/s at 640 px, ${perSecond1920} photos/s at 1920 px (decoding included)`);

  const scanned = await door();
  console.log(`\nDoor, checkIn with a photo and waitForFace to the final result (${DOOR_SCANS} scans, one scanner): median ${scanned.median} ms, p95 ${scanned.p95} ms; ${scanned.ok} ok`);

  console.log(
    JSON.stringify({
      benchmark: 'face',
      rounds: ROUNDS,
      ...Object.fromEntries(STAGES.flatMap((stage) => [[`${stage}_median_ms`, measured.stages[stage].median], [`${stage}_p95_ms`, measured.stages[stage].p95]])),
      pool_photos_per_s_640: perSecond640,
      pool_photos_per_s_1920: perSecond1920,
      door_scans: DOOR_SCANS,
      door_ok: scanned.ok,
      door_median_ms: scanned.median,
      verify_median_ms: measured.verify.median,
      door_p95_ms: scanned.p95,
    }),
  );
};

await main();
