import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { type Position, formatPosition } from '../eventstore/position.js';
import { type CheckInEntry, checkInsBetween } from '../projections/attendance/check-in-queries.js';
import { type EventCounts, countsChangedBetween } from '../projections/attendance/event-queries.js';
import { PROJECTIONS_CHANNEL, readCheckpoint } from '../projections/runner.js';
import { Spacing } from '../spacing.js';

/** The pubsub topics of one event's live dashboards. */
export const liveTopics = {
  checkInRecorded: (eventId: string): string => `checkInRecorded:${eventId}`,
  attendanceChanged: (eventId: string): string => `attendanceChanged:${eventId}`,
};

/** An event's counts as of `position`, after they changed. */
export interface AttendanceCounts extends EventCounts {
  position: string;
}

export type Publish = (topic: string, payload: CheckInEntry | AttendanceCounts) => void;

export interface LiveFeedOptions {
  pool: pg.Pool;
  /** For the one LISTEN connection, which stays open and so is not taken from the pool. */
  connection: pg.ClientConfig;
  /** Wait before listening again after the LISTEN connection broke (default 1 s). */
  reconnectMs?: number;
}

const PROJECTION = 'attendance';
const DEFAULT_RECONNECT_MS = 1_000;
/**
 * Reads of what is new start at least this far apart: a dashboard hears of a change 50 ms
 * later at most, and an on-sale's projector, committing every few milliseconds,
 * does not make every API process read five statements for each commit.
 */
const MIN_READ_SPACING_MS = 50;
const UNDEFINED_TABLE = '42P01';

const noop = (): void => undefined;

/**
 * Runs `read` in one snapshot with the attendance projection's checkpoint (undefined before
 * its first batch): the projector commits rows and checkpoint together, so what `read` sees is
 * exactly what the checkpoint covers.
 */
export const atCheckpoint = async <T>(pool: pg.Pool, read: (client: pg.PoolClient, checkpoint: Position | undefined) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      result = await read(client, (await readCheckpoint(client, PROJECTION))?.position);
    } finally {
      await client.query('COMMIT');
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  client.release();
  return result;
};

/**
 * Carries what the attendance projector commits, in whichever process it runs, to this
 * process' subscribers: one LISTEN on the projections channel; on each `attendance:` notice
 * it reads, in one snapshot, the check-in rows and count changes between the last position
 * it published and the projection's checkpoint, and publishes them per event. Reading up to
 * the checkpoint (not trusting the notices) is what makes it exactly-once and in order:
 * notices coalesce or get lost while the connection is down, and the next read catches up.
 */
export class LiveFeed {
  private readonly reconnectMs: number;
  private publish: Publish | undefined;
  private log: FastifyBaseLogger | undefined;
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** The checkpoint commit position up to which everything is published; undefined before the first read. */
  private seen: bigint | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private readonly spacing = new Spacing(MIN_READ_SPACING_MS);
  private closed = false;
  private readonly noticeWaiters = new Set<() => void>();

  constructor(private readonly options: LiveFeedOptions) {
    this.reconnectMs = options.reconnectMs ?? DEFAULT_RECONNECT_MS;
  }

  /** Listens from now on: what was projected before is not news. */
  async start(publish: Publish, log: FastifyBaseLogger): Promise<void> {
    if (this.publish) throw new Error('The live feed is started already');
    this.publish = publish;
    this.log = log;
    await this.listen();
    await this.reading;
  }

  /** Resolves at the next notice of any projection, or after `timeoutMs`, whichever comes first. */
  nextNotice(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.noticeWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.noticeWaiters.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.noticeWaiters]) wake();
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(noop);
    await this.reading;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ ...this.options.connection, application_name: 'rollcall-live-feed' });
    client.on('notification', (notice) => {
      for (const wake of [...this.noticeWaiters]) wake();
      if (notice.payload?.startsWith(`${PROJECTION}:`)) this.poke();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${PROJECTIONS_CHANNEL}`);
    } catch (error) {
      client.end().catch(noop);
      this.listenLater(error as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(noop);
      return;
    }
    this.client = client;
    // The first read sets where the feed starts; after a reconnect it catches up on what was missed.
    this.poke();
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(noop);
    this.listenLater(error);
  }

  private listenLater(error: Error): void {
    if (this.closed || this.retry) return;
    this.log?.warn({ err: error }, `live feed: LISTEN ${PROJECTIONS_CHANNEL} failed; listening again in ${this.reconnectMs} ms`);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.listen();
    }, this.reconnectMs);
  }

  /** One read at a time; notices during a read make one more read after it. */
  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.drain().finally(() => (this.reading = undefined));
  }

  private async drain(): Promise<void> {
    do {
      // Under load notices come every few milliseconds; spacing the reads lets each carry many commits.
      await this.spacing.next();
      this.again = false;
      try {
        await this.readNews();
      } catch (error) {
        // Nothing was published and `seen` did not move: the next notice reads it all again.
        if ((error as { code?: string }).code !== UNDEFINED_TABLE)
          this.log?.warn({ err: error }, 'live feed: reading what is new failed');
      }
    } while (this.again && !this.closed);
  }

  private async readNews(): Promise<void> {
    const seen = this.seen;
    const { upTo, position, checkIns, counts } = await atCheckpoint(this.options.pool, async (client, checkpoint) => {
      const upTo = checkpoint?.commit ?? -1n;
      const position = checkpoint ? formatPosition(checkpoint) : '';
      if (seen === undefined || upTo <= seen) return { upTo, position, checkIns: [], counts: [] };
      return { upTo, position, checkIns: await checkInsBetween(client, seen, upTo), counts: await countsChangedBetween(client, seen, upTo) };
    });
    // A checkpoint behind `seen` is a projection being rebuilt: what it replays was published already.
    if (this.seen !== undefined && upTo <= this.seen) return;
    const first = this.seen === undefined;
    this.seen = upTo;
    if (first || !this.publish) return;
    // A door event whose event id the projection could not store belongs to no event's feed.
    for (const entry of checkIns) if (entry.eventId !== null) this.publish(liveTopics.checkInRecorded(entry.eventId), entry);
    for (const row of counts) this.publish(liveTopics.attendanceChanged(row.eventId), { ...row, position });
  }
}

/** Runs the feed while the server runs, publishing into mercurius' pubsub. */
export const liveFeedPlugin = fp<{ feed: LiveFeed }>(
  async (app, { feed }) => {
    app.addHook('onReady', async () =>
      feed.start((topic, payload) => app.graphql.pubsub.publish({ topic, payload }, noop), app.log),
    );
    app.addHook('onClose', async () => feed.close());
  },
  { name: 'rollcall-live-feed', dependencies: ['mercurius'] },
);
