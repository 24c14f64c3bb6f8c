/**
 * bench:onsale (issue 18): a popular event goes on sale. One published event with
 * ONSALE_SEATS seats (default 10,000) and a waiting list; ONSALE_ATTENDEES distinct people
 * (default 100,000: real accounts with addresses, and their access tokens, made before the
 * clock starts) register through POST /graphql from ONSALE_CONNECTIONS clients at once
 * (default 1,000), each on its own keep-alive connection, opened before the clock too
 * (ONSALE_COLD_CONNECTIONS=1: with the first registrations), and with the api warmed up by
 * ONSALE_WARM_UP others registering for another event first (default 5,000; 0: a cold api,
 * see onsale/warm-up.ts), while the organizer's dashboard
 * watches `attendanceChanged`. Rollcall runs as three processes of its own (the `api`, the
 * `projector` working the read models and jobs, the `ml-worker` whose reactor queues ticket
 * mail) on PostgreSQL, mailing into the outbox folder.
 *
 * Reports the time until every registration is answered, registrations/s, latency, errors,
 * the confirmed count (exactly the seats), whether the waiting list is in the order the store
 * took the registrations, the dashboard's updates, whether the read models equal a rebuild,
 * and the time from the first registration until every confirmed attendee's ticket mail is in
 * the outbox (ONSALE_MAIL_TIMEOUT_S, default 600, bounds the wait). BENCH_CPU_PROF_DIR names a
 * folder where the server processes write V8 CPU profiles as they exit; ONSALE_TIMELINE names a
 * JSON file that gets each request's send time and latency (stampede.ts). Last line of output:
 * one JSON object with every figure.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Dashboard } from '../test/door-dashboard.js';
import { graphqlClient, openBenchEvent } from './bench-api.js';
import { givenAccount } from '../test/accounts.js';
import { postgresSigningKeys } from '../src/commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../src/commands/accounts/token-service.js';
import type { Actor } from '../src/domain/actor.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { accountsProjection } from '../src/projections/accounts/projection.js';
import { visibleEvent } from '../src/projections/attendance/event-queries.js';
import { attendanceProjection } from '../src/projections/attendance/projection.js';
import { MasterKey } from '../src/security/master-key.js';
import { openBenchDatabase } from './bench-database.js';
import { accessTokens, givenAttendeeAccounts } from './onsale/attendees.js';
import { equalToRebuild, projectionsCaughtUp, waitingListCheck } from './onsale/checks.js';
import { startOnSaleServers } from './onsale/servers.js';
import { connectionsTo, percentile, stampede } from './onsale/stampede.js';
import { outboxFilled, ticketJobTimes, ticketMailCheck } from './onsale/ticket-outbox.js';
import { warmUp } from './onsale/warm-up.js';

const ATTENDEES = Number(process.env.ONSALE_ATTENDEES ?? 100_000);
const SEATS = Number(process.env.ONSALE_SEATS ?? 10_000);
const CONNECTIONS = Number(process.env.ONSALE_CONNECTIONS ?? 1_000);
/** ONSALE_COLD_CONNECTIONS=1: connections open with the first registrations, not before the clock (see stampede.ts). */
const COLD_CONNECTIONS = process.env.ONSALE_COLD_CONNECTIONS === '1';
const MAIL_TIMEOUT_MS = Number(process.env.ONSALE_MAIL_TIMEOUT_S ?? 600) * 1_000;
/** Registrations for another event the api serves before the clock (see warm-up.ts); 0 starts the sale on a cold api. */
const WARM_UP = Number(process.env.ONSALE_WARM_UP ?? 5_000);
const SERVER_POOL_SIZE = 20;
/** This process's connections: set-up appends 64 accounts at once, each a few round trips. */
const BENCH_POOL_SIZE = 24;
/** How long the read side may take to catch up after set-up and after the sale. */
const CATCH_UP_MS = 600_000;
const HOUR = 3_600_000;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const say = (text: string) => console.log(text);

const COUNTS = `subscription ($e: ID!) { attendanceChanged(eventId: $e) { confirmed waitlisted } }`;

const main = async (stops: (() => Promise<unknown>)[]) => {
  const database = await openBenchDatabase('onsale');
  stops.push(() => database.close());
  const pool = createPool(database.url, BENCH_POOL_SIZE, (error) => console.error(`idle connection lost: ${error.message}`));
  stops.push(() => pool.end());
  await migrate(pool);
  // The servers and this process share the signing and personal data keys, so they share the key those are sealed under.
  const masterKey = MasterKey.generate();
  const inner = new PostgresEventStore({ pool, connectionString: database.url });
  stops.push(() => inner.close());
  const { store } = personalDataStore(inner, pool, masterKey);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROLLCALL_MASTER_KEY: masterKey.toText(),
    DATABASE_URL: database.url,
    EVENTSTORE_URL: '',
    PORT: '0',
    DATA_DIR: database.dir,
    PG_POOL_SIZE: String(SERVER_POOL_SIZE),
    LOG_LEVEL: 'warn',
    // Thousands of registrations a second from one client machine: limits a real crowd spread over many addresses would not reach.
    RATE_LIMITS: 'off',
  };
  // Mail into the outbox, reactors on the store's subscription.
  delete env.SMTP_URL;
  delete env.KAFKA_BROKERS;
  const { api } = await startOnSaleServers(env, (stop) => stops.push(stop));
  const outboxDir = path.join(database.dir, 'outbox');

  const tokens = new TokenService(postgresSigningKeys(pool, { masterKey }));
  const organizer = await givenAccount(store, { accountId: randomUUID(), roles: ['organizer'] });
  const organizerToken = (await tokens.issueAccessToken(organizer)).token;
  const gql = graphqlClient(api.address);

  say(`On sale: ${SEATS.toLocaleString('en')} seats, ${ATTENDEES.toLocaleString('en')} attendees from ${CONNECTIONS.toLocaleString('en')} connections; api, projector and ml-worker processes at ${api.address}`);
  const setUp = performance.now();
  // Two days ahead: past the session reminders' window of a day, so the outbox holds the tickets only.
  const { eventId } = await openBenchEvent(gql, organizerToken, SEATS, { startsInMs: 48 * HOUR });
  const accountIds = await givenAttendeeAccounts(store, ATTENDEES, (done) => say(`  ${done.toLocaleString('en')} accounts`));
  if (WARM_UP > 0) {
    const caughtUp = () => projectionsCaughtUp(store, pool, [attendanceProjection, accountsProjection], CATCH_UP_MS);
    const warm = await warmUp({ address: api.address, gql, organizerToken, store, tokens, outboxDir, caughtUp }, WARM_UP);
    say(`  warm-up: ${WARM_UP.toLocaleString('en')} others registered for another event (${warm.seats.toLocaleString('en')} seats, their tickets mailed and set aside) in ${warm.seconds.toFixed(1)} s`);
  }
  // The dashboard's subscription checks the organizer on the read side, and ticket mail reads the accounts read model.
  await projectionsCaughtUp(store, pool, [attendanceProjection, accountsProjection], CATCH_UP_MS);
  // A token of its own: the organizer's first one lives 15 minutes, less than a full run's set-up, and the server ends subscriptions on expired tokens.
  const dashboardToken = (await tokens.issueAccessToken(organizer)).token;
  const dashboard = await Dashboard.open(api.address, { connectionParams: { authorization: `Bearer ${dashboardToken}` } });
  stops.push(() => dashboard.close());
  const counts = dashboard.subscribe(COUNTS, { e: eventId });
  const attendees = await accessTokens(tokens, accountIds);
  say(`Set-up (event, ${ATTENDEES.toLocaleString('en')} accounts and tokens, read models caught up): ${((performance.now() - setUp) / 1_000).toFixed(1)} s`);

  const agent = await connectionsTo(api.address, CONNECTIONS, !COLD_CONNECTIONS);
  // The clock: from the first registration sent.
  const seats = Math.min(SEATS, ATTENDEES);
  const [clock, saleStartedAt] = [performance.now(), Date.now()];
  const mailed = outboxFilled(outboxDir, seats, MAIL_TIMEOUT_MS, (count) => say(`  ${count.toLocaleString('en')} tickets mailed at ${((performance.now() - clock) / 1_000).toFixed(1)} s`));
  const sale = await stampede(agent, api.address, eventId, attendees, CONNECTIONS);
  if (process.env.ONSALE_TIMELINE) await writeFile(process.env.ONSALE_TIMELINE, JSON.stringify({ startedAtEpochMs: sale.startedAtEpochMs, requests: sale.timeline }));
  const answered = sale.answers.filter((answer) => answer !== undefined);
  const confirmedAnswers = answered.filter((answer) => answer.status === 'confirmed').length;
  const errors = sale.latencies.length - answered.length;
  say(`All ${ATTENDEES.toLocaleString('en')} answered in ${sale.seconds.toFixed(1)} s: ${round(ATTENDEES / sale.seconds)} registrations/s`);
  say(`  latency p50 ${round(percentile(sale.latencies, 50))} ms, p99 ${round(percentile(sale.latencies, 99))} ms, p99.9 ${round(percentile(sale.latencies, 99.9))} ms`);
  say(`  after the first wave (the first ${Math.min(CONNECTIONS, ATTENDEES).toLocaleString('en')} sent at once): p50 ${round(percentile(sale.afterFirstWave, 50))} ms, p99 ${round(percentile(sale.afterFirstWave, 99))} ms`);
  say(`  errors ${errors}${errors ? `: ${JSON.stringify(Object.fromEntries(sale.errors))}` : ''}; answered confirmed ${confirmedAnswers}, waitlisted ${answered.length - confirmedAnswers}`);

  const mailedAt = await mailed;
  const ticketsMailedSeconds = mailedAt === undefined ? null : round((mailedAt - clock) / 1_000);
  const jobs = await ticketJobTimes(pool, saleStartedAt);
  say(`Tickets: ${mailedAt === undefined ? `not all ${seats} mailed within ${MAIL_TIMEOUT_MS / 1_000} s` : `all ${seats.toLocaleString('en')} mailed ${ticketsMailedSeconds} s after the first registration`}`);
  say(`  ${jobs.jobs} delivery jobs, the last queued (by the ml-worker's reactor) at ${jobs.lastQueued} s, the last done at ${jobs.lastDone} s`);

  await projectionsCaughtUp(store, pool, [attendanceProjection], CATCH_UP_MS);
  const view = await visibleEvent(pool, eventId, { accountId: organizer.accountId, admin: true });
  const confirmed = view?.counts.confirmed ?? 0;
  const waiting = await waitingListCheck(store, pool, eventId);
  say(`Read model: ${confirmed} confirmed (${seats} seats), ${waiting.length} on the waiting list, ${waiting.inArrivalOrder ? 'in the order the store took them' : `out of the store's order from place ${waiting.firstDifference}`}`);
  const expected = (c: Record<string, unknown>) => c.confirmed === confirmed && c.waitlisted === waiting.length;
  const lastUpdate = await dashboard.data(counts, 'attendanceChanged', expected).catch(() => undefined);
  const updates = dashboard.pending(counts).filter((m) => m.type === 'next').length + (lastUpdate ? 1 : 0);
  say(`Dashboard: ${updates} attendanceChanged updates, ${lastUpdate ? 'the last one with the final counts' : 'never the final counts'}`);

  const confirmedAddresses = new Set(
    sale.answers.flatMap((answer, i) => (answer?.status === 'confirmed' ? [`${attendees[i]!.accountId}@example.test`] : [])),
  );
  const mail = await ticketMailCheck(outboxDir, confirmedAddresses);
  say(`Outbox: ${mail.tickets} ticket mails; confirmed attendees without one ${mail.missing}, with more than one ${mail.duplicates}; tickets to anyone else ${mail.unexpected}; other mail ${mail.other}`);
  const verifying = performance.now();
  const rebuilt = await equalToRebuild(store, pool, [attendanceProjection, accountsProjection]);
  say(`Read models equal to a rebuild: ${Object.entries(rebuilt).map(([name, equal]) => `${name} ${equal ? 'yes' : 'NO'}`).join(', ')} (${((performance.now() - verifying) / 1_000).toFixed(1)} s)`);

  const ok = confirmed === seats && confirmedAnswers === seats && errors === 0 && waiting.inArrivalOrder && Object.values(rebuilt).every(Boolean) && mail.missing + mail.duplicates + mail.unexpected === 0;
  console.log(
    JSON.stringify({
      benchmark: 'onsale',
      attendees: ATTENDEES,
      seats: SEATS,
      connections: CONNECTIONS,
      warm_up: WARM_UP,
      onsale_seconds: round(sale.seconds, 2),
      registrations_per_s: round(ATTENDEES / sale.seconds),
      onsale_p50_ms: round(percentile(sale.latencies, 50)),
      onsale_p99_ms: round(percentile(sale.latencies, 99)),
      onsale_p999_ms: round(percentile(sale.latencies, 99.9)),
      onsale_p99_after_first_wave_ms: round(percentile(sale.afterFirstWave, 99)),
      errors,
      confirmed,
      oversold: Math.max(0, confirmed - seats),
      waitlist_in_arrival_order: waiting.inArrivalOrder,
      subscriber_updates: updates,
      read_models_equal_rebuild: Object.values(rebuilt).every(Boolean),
      tickets_mailed_seconds: ticketsMailedSeconds,
      ticket_jobs_queued_seconds: jobs.lastQueued,
      ticket_mail_exactly_once: mail.missing + mail.duplicates + mail.unexpected === 0,
      ok,
    }),
  );
  if (!ok) process.exitCode = 1;
};

/** What has started, stopped newest first however the run ends. */
const stops: (() => Promise<unknown>)[] = [];
try {
  await main(stops);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(`while stopping: ${(error as Error).message}`));
}
