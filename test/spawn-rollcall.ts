import { type ChildProcess, spawn } from 'node:child_process';
import { NODE_FLAGS } from '../src/node-flags.js';

export interface RunningRollcall {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:41234; empty for a role that does not listen. */
  address: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `src/main.ts <role>` as its own process, as `npm start` does (with its NODE_FLAGS), and waits until it
 * prints `ready`: by default that it listens (the `projector` role prints "Projecting read models").
 * Lines are pino's JSON, whose `msg` holds these words. Roles without an API serve their probes
 * on a free port unless `env` names one (the default 9464 would clash between spec files).
 * `spawned` is handed the process at once, so that a caller can kill one that never gets ready.
 * With BENCH_CPU_PROF_DIR set, the process writes a V8 CPU profile there when it exits, which
 * is how a benchmark's server is profiled (node refuses --cpu-prof in NODE_OPTIONS).
 */
export const spawnRollcall = (
  role: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp = /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  spawned?: (child: ChildProcess) => void,
): Promise<RunningRollcall> => {
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...NODE_FLAGS, ...profile, '--import', 'tsx/esm', 'src/main.ts', role], { env: { METRICS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned?.(child);
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match)
        resolve({
          child,
          address: match[1] ?? '',
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
  });
};

/** `npm run rollcall -- <args>` as an operator runs it: the admin CLI as its own process, to its exit. */
export const runRollcallCli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => runCliScript('src/cli/rollcall.ts', args, env);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One of the CLI scripts (`src/cli/create-admin.ts`, …) as its own process, to its exit; `input` is its standard input (none without). */
export const runCliScript = (script: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliRun> => {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', script, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
};
