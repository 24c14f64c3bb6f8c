import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRollcall, runCliScript, runRollcallCli, spawnRollcall } from '../../test/spawn-rollcall.js';
import { printedSchema } from '../read-api/print-schema.js';

/**
 * The command-line tools as an operator runs them, each its own process: `--help` and mistakes
 * answered without a database, and `npm run admin:create` and `rollcall admin` beside a running
 * `npm start`, on the database it started.
 */

/** A database the tools would wait a minute for: a test that reached it would time out. */
const NO_DATABASE: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: 'postgres://rollcall:pw@127.0.0.1:1/rollcall', DATABASE_WAIT_SECONDS: '60' };
const ROLLCALL = 'src/cli/rollcall.ts';
const CREATE_ADMIN = 'src/cli/create-admin.ts';
const PRINT_SCHEMA = 'src/cli/print-schema.ts';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});
const folder = async (): Promise<string> => {
  const made = await mkdtemp(path.join(tmpdir(), 'rollcall-cli-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folder.
  await chmod(made, 0o755);
  folders.push(made);
  return made;
};

describe('--help', () => {
  const commands: [string, string[]][] = [
    [ROLLCALL, []],
    [ROLLCALL, ['admin']],
    ...['list', 'status', 'rebuild', 'verify', 'quarantine', ''].map((c): [string, string[]] => [ROLLCALL, ['admin', 'projections', ...(c ? [c] : [])]]),
    [ROLLCALL, ['admin', 'replay']],
    ...['list', 'replay', ''].map((c): [string, string[]] => [ROLLCALL, ['admin', 'dead-letters', ...(c ? [c] : [])]]),
    ...['list', 'rotate', ''].map((c): [string, string[]] => [ROLLCALL, ['admin', 'keys', ...(c ? [c] : [])]]),
    [ROLLCALL, ['face']],
    [ROLLCALL, ['face', 'compare']],
    [CREATE_ADMIN, []],
    [PRINT_SCHEMA, []],
  ];

  it('answers on every command and subcommand with its usage, exit 0, without touching the database', async () => {
    const runs = await Promise.all(commands.map(([script, args]) => runCliScript(script, [...args, '--help'], NO_DATABASE)));
    for (const [i, run] of runs.entries()) {
      const [script, args] = commands[i]!;
      expect({ command: [script, ...args], code: run.code, stderr: run.stderr }).toEqual({ command: [script, ...args], code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: /);
    }
  });

  it('answers `help <command>` too', async () => {
    const run = await runRollcallCli(['admin', 'help', 'keys'], NO_DATABASE);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: rollcall admin keys /);
  });
});

describe('a mistake in the arguments', () => {
  it.each([
    [[], 'Which command: admin or face? (--help shows the usage)'],
    [['admin'], 'Which command: projections, replay, import, forecast, seed, dead-letters or keys? (--help shows the usage)'],
    [['admin', 'frobnicate'], 'Unknown command "frobnicate" (--help shows the usage)'],
    [['admin', 'keys', 'list', 'extra'], "Too many arguments for 'list'. Expected 0 arguments but got 1. (--help shows the usage)"],
    [['admin', 'keys', 'list', '--jsn'], "Unknown option '--jsn' (Did you mean --json?) (--help shows the usage)"],
    [['admin', 'replay'], "Missing required argument 'stream' (--help shows the usage)"],
    [['admin', 'projections', 'rebuild', '--batch-size', '0'], "Option '--batch-size <n>' argument '0' is invalid. It must be a positive integer. (--help shows the usage)"],
  ])('%j exits 2 and says what is wrong in one line', async (args, message) => {
    const run = await runRollcallCli(args, NO_DATABASE);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('never repeats a password from the configuration', async () => {
    const run = await runRollcallCli(['admin', 'keys', 'list'], { ...NO_DATABASE, DATABASE_URL: 'mysql://rollcall:s3cret-pw@db/rollcall' });
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'Configuration error: DATABASE_URL must start with postgres:// or postgresql://, got "mysql://rollcall:***@db/rollcall"\n' });
  });
});

describe('npm run admin:create', () => {
  const admin = ['--email', 'ops@example.org', '--name', 'Ops'];

  it('takes no password from its arguments, which ps and shell histories show', async () => {
    const run = await runCliScript(CREATE_ADMIN, [...admin, '--password', 'a-long-enough-password'], NO_DATABASE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--password is not taken: arguments show in ps and in shell histories; type the password at the prompt, or pipe it in with --password-stdin/);
  });

  it('asks for --password-stdin where there is no terminal to prompt on', async () => {
    const run = await runCliScript(CREATE_ADMIN, admin, NO_DATABASE);
    expect(run).toMatchObject({ code: 2, stderr: 'No terminal to ask for the password on: pipe it in with --password-stdin (--help shows the usage)\n' });
  });

  it('holds the password to the sign-up rules before it connects', async () => {
    const run = await runCliScript(CREATE_ADMIN, [...admin, '--password-stdin'], NO_DATABASE, 'short\n');
    expect(run).toMatchObject({ code: 2, stderr: 'The password must be 10 to 200 characters (--help shows the usage)\n' });
  });
});

describe('the tools beside a running npm start', () => {
  let dataDir: string;
  let rollcall: RunningRollcall | undefined;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = await folder();
    env = { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'EVENTSTORE_URL', 'ROLLCALL_MASTER_KEY', 'KAFKA_BROKERS']) delete env[name];
    rollcall = await spawnRollcall('all', env);
  });
  afterAll(async () => {
    if (rollcall) expect(await rollcall.stop()).toBe(0);
  });

  const logIn = async (email: string, password: string) => {
    const response = await fetch(`${rollcall!.address}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($e: String!, $p: String!) { logIn(email: $e, password: $p) { account { id roles } } }', variables: { e: email, p: password } }),
    });
    return ((await response.json()) as { data?: { logIn: { account: { id: string; roles: string[] } } } }).data?.logIn.account;
  };

  it('creates an admin on the database npm start runs, the password piped in', async () => {
    const created = await runCliScript(CREATE_ADMIN, ['--email', 'first-admin@example.org', '--name', 'First Admin', '--password-stdin'], env, 'first admin password\n');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const accountId = created.stdout.trim();
    expect(await logIn('first-admin@example.org', 'first admin password')).toEqual({ id: accountId, roles: ['attendee', 'admin'] });

    const replayed = await runRollcallCli(['admin', 'replay', `account-${accountId}`, '--json'], env);
    expect(replayed.code).toBe(0);
    expect((JSON.parse(replayed.stdout) as { history: { type: string }[] }).history.map((e) => e.type)).toContain('RoleGranted');
  });

  it('creates an admin with the password typed twice at a prompt that does not echo it', async () => {
    // `script` gives the tool a terminal, as a person at a shell has.
    const command = [process.execPath, '--import', 'tsx/esm', CREATE_ADMIN, '--email', 'typed-admin@example.org', '--name', 'Typed Admin']
      .map((arg) => `'${arg}'`)
      .join(' ');
    const session = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    session.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => session.once('close', resolve));
    const shown = (text: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          const look = () => (screen.includes(text) ? resolve() : setTimeout(look, 20));
          look();
        }),
        exited.then((code) => Promise.reject(new Error(`exited with ${code} before showing "${text}": ${screen}`))),
      ]);
    await shown('Password: ');
    session.stdin.write('typed secret words\r');
    await shown('Repeat it: ');
    session.stdin.write('typed secret words\r');
    expect(await exited).toBe(0);
    expect(screen).not.toContain('typed secret words');
    const accountId = /([0-9a-f-]{36})/.exec(screen)?.[1];
    expect(await logIn('typed-admin@example.org', 'typed secret words')).toEqual({ id: accountId, roles: ['attendee', 'admin'] });
  });

  it('runs rollcall admin on the same database, and says so when a stream is not there (exit 1)', async () => {
    const keys = await runRollcallCli(['admin', 'keys', 'list', '--json'], env);
    expect(keys.code).toBe(0);
    expect((JSON.parse(keys.stdout) as { purpose: string }[]).map((key) => key.purpose).sort()).toEqual(['access', 'ticket']);
    const missing = await runRollcallCli(['admin', 'replay', 'event-00000000-0000-4000-8000-000000000000'], env);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'No stream "event-00000000-0000-4000-8000-000000000000" is stored\n' });
  });
});

describe('npm run schema:print', () => {
  it('with --check says whether the file is the schema the code declares, and writes nothing', async () => {
    const file = path.join(await folder(), 'schema.graphql');
    await writeFile(file, 'type Query { stale: String }\n');
    const stale = await runCliScript(PRINT_SCHEMA, ['--check', '--file', file], NO_DATABASE);
    expect(stale).toEqual({ code: 1, stdout: '', stderr: `${file} differs from the schema the code declares: run npm run schema:print (then npm run codegen)\n` });
    expect(await readFile(file, 'utf8')).toBe('type Query { stale: String }\n');

    expect(await runCliScript(PRINT_SCHEMA, ['--file', file], NO_DATABASE)).toMatchObject({ code: 0, stdout: `${file} written\n` });
    expect(await readFile(file, 'utf8')).toBe(printedSchema());
    const written = (await stat(file)).mtimeMs;
    expect(await runCliScript(PRINT_SCHEMA, ['--check', '--file', file], NO_DATABASE)).toEqual({ code: 0, stdout: `${file} is up to date\n`, stderr: '' });
    expect(await runCliScript(PRINT_SCHEMA, ['--file', file], NO_DATABASE)).toMatchObject({ code: 0, stdout: `${file} is up to date\n` });
    expect((await stat(file)).mtimeMs).toBe(written);
  });
});
