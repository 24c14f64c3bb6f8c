import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningRollcall, spawnRollcall } from '../../../test/spawn-rollcall.js';

/** The server the probes talk to, and the two things they need beside its API. */
export interface AuditTarget {
  url: string;
  /** Where the server writes mail without SMTP: the probes read sign-up verification tokens there. */
  outboxDir: string;
  /** An admin's log-in: admins grant the roles the other actors need. */
  admin: { email: string; password: string };
}

export class AuditSetupError extends Error {
  override readonly name = 'AuditSetupError';
}

/**
 * A server someone else started (AUDIT_URL). Its admin must exist already, and the audit must
 * be able to read its outbox folder, since that is the only way to verify the accounts it
 * signs up; a server with SMTP_URL set cannot be audited this way.
 */
export const remoteTarget = (env: NodeJS.ProcessEnv): AuditTarget => {
  const { AUDIT_URL: url, AUDIT_ADMIN_EMAIL: email, AUDIT_ADMIN_PASSWORD: password } = env;
  if (!url || !email || !password)
    throw new AuditSetupError('With AUDIT_URL, set AUDIT_ADMIN_EMAIL and AUDIT_ADMIN_PASSWORD too (npm run admin:create makes one)');
  const outboxDir = env.AUDIT_OUTBOX || path.join(env.DATA_DIR || '.rollcall', 'outbox');
  return { url: url.replace(/\/+$/, ''), outboxDir: path.resolve(outboxDir), admin: { email, password } };
};

/** Anything in the caller's environment that would point the server away from its own data directory, or change what is probed. */
const NOT_PASSED_ON = ['DATABASE_URL', 'DATABASE_OWNER_URL', 'EVENTSTORE_URL', 'KAFKA_BROKERS', 'SMTP_URL', 'GRAPHIQL', 'ROLLCALL_MASTER_KEY'];

/**
 * A Rollcall started for one audit as `npm start` starts it (the `all` role, the embedded
 * PostgreSQL, a master key made in its data directory), but on a temporary data directory, a
 * free port on 127.0.0.1 and without GRAPHIQL, since introspection is one of the things
 * probed. Its admin is made beside it with the CLI, as an operator would, the password piped
 * in: the CLI joins the embedded PostgreSQL the server runs.
 */
export class LocalRollcall {
  private dataDir: string | undefined;
  private server: RunningRollcall | undefined;
  private stopping: Promise<void> | undefined;

  async start(): Promise<AuditTarget> {
    this.dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-audit-'));
    // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folder.
    await chmod(this.dataDir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: this.dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    for (const name of NOT_PASSED_ON) delete env[name];
    const admin = { email: `audit-admin-${randomBytes(4).toString('hex')}@example.org`, password: `pw-${randomBytes(12).toString('base64url')}` };
    this.server = await spawnRollcall('all', env);
    await createAdmin(env, admin);
    return { url: this.server.address, outboxDir: path.join(this.dataDir, 'outbox'), admin };
  }

  /** What the server printed: its errors explain a 5xx. */
  output(): string {
    return this.server?.output() ?? '';
  }

  /** Stops the server and removes its data directory; safe to call at any point, and more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.server?.stop();
      if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/** `npm run admin:create` beside the running server, on its data directory. */
const createAdmin = (env: NodeJS.ProcessEnv, admin: { email: string; password: string }): Promise<void> => {
  const cli = spawn(
    process.execPath,
    ['--import', 'tsx/esm', 'src/cli/create-admin.ts', '--email', admin.email, '--name', 'Audit Admin', '--password-stdin'],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  cli.stdin.end(`${admin.password}\n`);
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    cli.once('error', reject);
    cli.once('close', (code) => (code === 0 ? resolve() : reject(new AuditSetupError(`create-admin exited with ${code}:\n${output}`))));
  });
};
