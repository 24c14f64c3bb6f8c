import { Agent, request } from 'undici';
import { givenAccount } from '../test/accounts.js';
import { type RunningRollcall, spawnRollcall } from '../test/spawn-rollcall.js';
import { postgresSigningKeys } from '../src/commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../src/commands/accounts/token-service.js';
import type { Actor } from '../src/domain/actor.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { MasterKey } from '../src/security/master-key.js';
import { type BenchDatabase, openBenchDatabase } from './bench-database.js';

const HOUR = 3_600_000;
/** More than any benchmark's concurrent clients of this helper (64). */
const CLIENT_CONNECTIONS = 128;
/** This process only sets up and sends requests: a few connections do. */
const POOL_SIZE = 4;

export type Gql = (bearer: string, query: string, variables: Record<string, unknown>) => Promise<Record<string, any>>;

/**
 * Requests to the GraphQL endpoint at `address`; GraphQL errors throw. undici's `request` on
 * one keep-alive pool, not `fetch`: the load generator shares the machine's two cores with the
 * server and PostgreSQL, and `fetch` (WHATWG streams, Headers and Response objects) cost this
 * process about 0.35 ms of CPU per request, which the server's figures then paid for.
 */
export const graphqlClient = (address: string): Gql => {
  const agent = new Agent({ connections: CLIENT_CONNECTIONS, keepAliveTimeout: 10_000 });
  const url = `${address}/graphql`;
  return async (bearer, query, variables) => {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.body.json()) as { data?: Record<string, any>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    return body.data!;
  };
};

/** Rollcall's `api` role as a process of its own on a fresh bench database, and what a load generator needs to talk to it. */
export interface BenchApi {
  database: BenchDatabase;
  server: RunningRollcall;
  address: string;
  /** The store on the same database, for setup written straight to it (staff accounts). */
  store: PostgresEventStore;
  /** An access token the server accepts: the signing keys live in the database, sealed under the key both share. */
  token(actor: Actor): Promise<string>;
  /** A GraphQL request; GraphQL errors throw. */
  gql: Gql;
  /** Stops the server and closes everything else, printing the server's output if it did not exit cleanly. */
  close(): Promise<void>;
}

/**
 * Starts the api in its own process, so that the load generator does not eat its event loop,
 * with rate limits off (one client machine sending thousands of commands a minute: limits a
 * real door never reaches) and `staff` as a real account (written straight to the store, as
 * sign-up would mail a code).
 */
export const startBenchApi = async (benchmark: string, options: { serverPoolSize: number; staff: Actor }): Promise<BenchApi> => {
  const database = await openBenchDatabase(benchmark);
  const { url } = database;
  const pool = createPool(url, POOL_SIZE, (error) => console.error(`idle connection lost: ${error.message}`));
  const store = new PostgresEventStore({ pool, connectionString: url });
  const closeLocal = async () => {
    await store.close();
    await pool.end();
    await database.close();
  };
  let server: RunningRollcall;
  const masterKey = MasterKey.generate();
  try {
    await migrate(pool);
    server = await spawnRollcall('api', {
      ...process.env,
      ROLLCALL_MASTER_KEY: masterKey.toText(),
      DATABASE_URL: url,
      EVENTSTORE_URL: '',
      PORT: '0',
      DATA_DIR: database.dir,
      PG_POOL_SIZE: String(options.serverPoolSize),
      LOG_LEVEL: 'warn',
      RATE_LIMITS: 'off',
    });
    await givenAccount(store, options.staff);
  } catch (error) {
    await closeLocal();
    throw error;
  }
  const tokens = new TokenService(postgresSigningKeys(pool, { masterKey }));
  const { address } = server;
  const gql = graphqlClient(address);
  return {
    database,
    server,
    address,
    store,
    token: async (actor) => (await tokens.issueAccessToken(actor)).token,
    gql,
    close: async () => {
      const exitCode = await server.stop();
      if (exitCode !== 0) console.error(`the server exited with ${exitCode}:\n${server.output()}`);
      await closeLocal();
    },
  };
};

/**
 * A published event open for registration, with one session of three and a half hours
 * starting `startsInMs` from now (by default half an hour, so its doors are open), and
 * `staffId` assigned if given: setup, not measured.
 */
export const openBenchEvent = async (
  gql: Gql,
  organizerToken: string,
  capacity: number,
  { staffId, startsInMs = HOUR / 2 }: { staffId?: string; startsInMs?: number } = {},
): Promise<{ eventId: string; sessionId: string }> => {
  const { createEvent } = await gql(organizerToken, `mutation ($d: EventDetailsInput!, $c: Int!) { createEvent(details: $d, capacity: $c) { eventId } }`, {
    c: capacity,
    d: {
      title: 'Benchmark',
      venue: 'Hall',
      timeZone: 'UTC',
      registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
      registrationClosesAt: new Date(Date.now() + 24 * HOUR).toISOString(),
    },
  });
  const eventId = createEvent.eventId as string;
  const { scheduleSessions } = await gql(organizerToken, `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { sessions { sessionId } } }`, {
    e: eventId,
    p: { startsAt: new Date(Date.now() + startsInMs).toISOString(), endsAt: new Date(Date.now() + startsInMs + 3.5 * HOUR).toISOString() },
  });
  if (staffId) await gql(organizerToken, `mutation ($e: ID!) { assignStaff(eventId: $e, staffId: "${staffId}") { eventId } }`, { e: eventId });
  await gql(organizerToken, `mutation ($e: ID!) { publishEvent(eventId: $e) { status } }`, { e: eventId });
  return { eventId, sessionId: scheduleSessions.sessions[0].sessionId as string };
};
