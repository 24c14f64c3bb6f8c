import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADVISORY_LOCK_CLASS } from '../../src/postgres/advisory-locks.js';
import { type TestDatabase, createTestDatabase } from '../postgres.js';
import { type CliRun, type RunningRollcall, runCliScript, runRollcallCli, spawnRollcall } from '../spawn-rollcall.js';

export type Role = 'api' | 'projector' | 'forwarder' | 'ml-worker';

/** What a role prints once all of its parts run; the group is where it answers HTTP (the API, or its probes). */
const READY: Record<Role, RegExp> = {
  api: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  projector: /\/readyz on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Projecting read models/,
  forwarder: /\/readyz on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Forwarding events to Kafka/,
  'ml-worker': /\/readyz on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Running reactors on Kafka/,
};

/** Longer than the 10 s a graceful stop may take, so that a slow one is measured rather than waited for without end. */
const STOP_WAIT_MS = 15_000;

export interface Member extends RunningRollcall {
  role: Role;
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How a member ended, and how long after the signal. */
export interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
}

/**
 * Rollcall's roles as separate processes on one fresh database and the Kafka broker, as a
 * deployment runs them: one environment for all (the database as the app role and as its
 * owner, the run's master key, topics and consumer groups under a prefix of the run's own, one
 * data directory whose outbox every projector writes mail to, no rate limits for 200 sign-ups
 * from one address). Projectors log at info, where each projection says when it runs or waits
 * for its lock; the others at warn.
 */
export class Fleet {
  private readonly spawned: Spawned[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly dataDir: string,
    readonly topicPrefix: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async open(brokers: string): Promise<Fleet> {
    const db = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-fleet-'));
    await chmod(dataDir, 0o755);
    const topicPrefix = `fleet-${randomBytes(4).toString('hex')}.`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: db.url,
      DATABASE_OWNER_URL: db.ownerUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      PORT: '0',
      METRICS_PORT: '0',
      DATA_DIR: dataDir,
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'warn',
    };
    for (const name of ['EVENTSTORE_URL', 'SMTP_URL']) delete env[name];
    return new Fleet(db, dataDir, topicPrefix, env);
  }

  get outboxDir(): string {
    return path.join(this.dataDir, 'outbox');
  }

  async start(role: Role): Promise<Member> {
    const env = role === 'projector' ? { ...this.env, LOG_LEVEL: 'info' } : this.env;
    const running = await spawnRollcall(role, env, READY[role], (child) => {
      this.spawned.push({ child, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))) });
    });
    return { ...running, role };
  }

  /** `kill -9`: the process gets no chance to let go of anything. */
  async kill(member: Member): Promise<Ending> {
    return this.end(member, 'SIGKILL');
  }

  /** SIGTERM, as an orchestrator stops a process: how it exited and how long it took (Infinity: not within STOP_WAIT_MS). */
  async terminate(member: Member): Promise<Ending> {
    return this.end(member, 'SIGTERM');
  }

  private async end(member: Member, signal: NodeJS.Signals): Promise<Ending> {
    const { exited } = this.spawned.find((s) => s.child === member.child)!;
    const started = performance.now();
    member.child.kill(signal);
    const ended = await Promise.race([exited, sleep(STOP_WAIT_MS).then(() => undefined)]);
    return ended ? { ...ended, seconds: (performance.now() - started) / 1000 } : { code: null, signal: null, seconds: Infinity };
  }

  /** `npm run admin:create` as an operator runs it beside the fleet, the password piped in. */
  createAdmin(email: string, password: string): Promise<CliRun> {
    return runCliScript('src/cli/create-admin.ts', ['--email', email, '--name', 'Fleet Admin', '--password-stdin'], this.env, `${password}\n`);
  }

  /** `npm run rollcall -- <args>` on the fleet's database. */
  rollcall(args: string[]): Promise<CliRun> {
    return runRollcallCli(args, this.env);
  }

  /** The position of the last event in the store. */
  async head(): Promise<bigint> {
    const { rows } = await this.db.pool.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM rollcall.events');
    return BigInt(rows[0]!.head);
  }

  /** Where each follower of `kind` stands by name, as rollcall.checkpoints says. */
  async checkpoints(kind: 'projection' | 'forwarder'): Promise<Map<string, { position: bigint; status: string }>> {
    const { rows } = await this.db.pool.query<{ name: string; position: string; status: string }>(
      'SELECT name, commit_position::text AS position, status FROM rollcall.checkpoints WHERE kind = $1',
      [kind],
    );
    return new Map(rows.map((row) => [row.name, { position: BigInt(row.position), status: row.status }]));
  }

  /** Whether every projection's checkpoint and the forwarder's stand at `head`. */
  async followersAt(head: bigint, projections: readonly string[]): Promise<boolean> {
    const [projected, forwarded] = await Promise.all([this.checkpoints('projection'), this.checkpoints('forwarder')]);
    return projections.every((name) => projected.get(name)?.position === head) && forwarded.get('kafka')?.position === head;
  }

  /** Projection locks held in this database (two-key advisory locks of the projection class): one per projection with an active runner. */
  async projectionLocks(): Promise<number> {
    const { rows } = await this.db.pool.query<{ held: number }>(
      `SELECT count(*)::int AS held FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [ADVISORY_LOCK_CLASS.projection],
    );
    return rows[0]!.held;
  }

  /** Kills whatever still runs (a failed test leaves processes behind), and removes the data directory. */
  async close(): Promise<void> {
    for (const { child, exited } of this.spawned) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGKILL');
      await exited;
    }
    await rm(this.dataDir, { recursive: true, force: true });
    await this.db.close();
  }
}

/**
 * Each projection's latest state as a projector logged it (pino JSON lines at info): `running`
 * while it holds the projection's lock, `waiting_for_lock` as a standby.
 */
export const projectionStates = (output: string): Record<string, string> => {
  const states: Record<string, string> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const { projection, state } = JSON.parse(line) as { projection?: unknown; state?: unknown };
      if (typeof projection === 'string' && typeof state === 'string') states[projection] = state;
    } catch {
      // The line still being written.
    }
  }
  return states;
};
