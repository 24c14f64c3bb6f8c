import pg from 'pg';
import { Spacing } from '../../spacing.js';

export const CHANNEL = 'rollcall_events';
/** Signals go at least this far apart: a subscriber hears of an append 5 ms later at most, and a burst of appends costs one signal per 5 ms. */
const MIN_SIGNAL_SPACING_MS = 5;

/**
 * Tells other processes that events were appended, after the append committed.
 *
 * NOTIFY inside the append transaction would take PostgreSQL's global notify lock at
 * commit and serialise every appender behind it; a separate connection that coalesces
 * bursts into one NOTIFY keeps appends concurrent and adds at most one round trip of
 * latency for subscribers.
 */
export class AppendSignal {
  private client: pg.Client | undefined;
  /** The signal being sent, which close() waits for: a connection it opened after close() would keep the process alive. */
  private sending: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly spacing = new Spacing(MIN_SIGNAL_SPACING_MS);

  constructor(private readonly connectionString: string) {}

  poke(): void {
    if (this.closed) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = this.send();
  }

  private async send(): Promise<void> {
    do {
      // Appends under load come every millisecond or so; each NOTIFY wakes every listening process.
      await this.spacing.next();
      this.again = false;
      try {
        this.client ??= await this.connect();
        await this.client.query(`NOTIFY ${CHANNEL}`);
      } catch (error) {
        // Subscribers also poll, so a lost signal only delays them.
        if (!this.closed) process.emitWarning(`append signal failed: ${(error as Error).message}`);
        this.dropClient();
      }
    } while (this.again && !this.closed);
    this.sending = undefined;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'rollcall-signal' });
    client.on('error', () => this.dropClient());
    await client.connect();
    // NOTIFY gives its transaction an xid, so each signal would wait for a WAL flush of its
    // own before subscribers hear of it; losing a signal in a crash only delays them (they poll).
    await client.query('SET synchronous_commit = off');
    return client;
  }

  private dropClient(): void {
    this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sending;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** Wakes waiting subscribers when an {@link AppendSignal} fires, from any process. */
export class AppendListener {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private generation = 0;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly connectionString: string) {}

  /** A counter that moves on every signal; pass it to {@link waitAfter} to never miss one. */
  get current(): number {
    return this.generation;
  }

  /** Resolves when a signal newer than `seen` arrives, when `timeoutMs` passes, or on `abort`. */
  async waitAfter(seen: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    this.ensureListening();
    if (this.generation !== seen || abort.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort.addEventListener('abort', done);
    });
  }

  private wake(): void {
    this.generation++;
    for (const waiter of [...this.waiters]) waiter();
  }

  private ensureListening(): void {
    if (this.client || this.connecting || this.closed) return;
    this.connecting = this.listen()
      .catch((error: Error) => process.emitWarning(`LISTEN ${CHANNEL} failed, subscribers poll: ${error.message}`))
      .finally(() => (this.connecting = undefined));
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'rollcall-listen' });
    client.on('notification', () => this.wake());
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    // Anything appended while we were not listening would otherwise wait for the next poll.
    this.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    for (const waiter of [...this.waiters]) waiter();
  }
}
