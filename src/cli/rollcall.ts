#!/usr/bin/env -S node --import tsx/esm
/**
 * The admin CLI: `npm run rollcall -- admin <projections|replay|dead-letters|keys> …` and
 * `… face compare`, with `--help` on every command. Connects like `src/main.ts` does (see
 * admin-session.ts), only once a command needs the database. Results go to stdout, progress
 * and errors to stderr; exit 0 on success and for --help, 1 when the command failed or found
 * nothing, 2 for a mistake in the arguments, 130 when interrupted.
 */
import { Command } from 'commander';
import { Jobs } from '../jobs/jobs.js';
import { DEFAULT_FACE_POLICY } from '../ml/face/face-policy.js';
import { createReactors } from '../ml/reactors.js';
import { AdminSession } from './admin-session.js';
import { failure, needsSubcommand, runCommandLine } from './command-line.js';
import { deadLettersCommand } from './dead-letters-command.js';
import { faceCommand, startFaceEngine } from './face-command.js';
import { forecastCommand } from './forecast-command.js';
import { importCommand } from './import-command.js';
import { keysCommand } from './keys-command.js';
import { projectionsCommand } from './projections-command.js';
import { replayCommand } from './replay-command.js';
import { seedCommand } from './seed-command.js';

const out = (line: string) => void process.stdout.write(`${line}\n`);
const err = (line: string) => void process.stderr.write(`${line}\n`);

const session = new AdminSession(err);

/**
 * Ctrl-C: rebuilds, verifications and dead-letter replays stop after the batch or letter in
 * flight (what is committed stays, and the next run resumes); a second one quits at once.
 */
const interrupt = new AbortController();
let signals = 0;
const onSignal = () => {
  if (++signals > 1) process.exit(130);
  err('Stopping after the batch or dead letter in flight (again to quit at once)');
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const crashed = (error: unknown) => {
  err(failure(error));
  void session.close().finally(() => process.exit(1));
};
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);

const program = (): Command => {
  const admin = new Command('admin').description('operate a Rollcall: its read models, streams, reactors and keys');
  admin.addCommand(projectionsCommand({ connect: session.connect, out, err: process.stderr, signal: interrupt.signal }));
  admin.addCommand(replayCommand({ connect: session.connect, out, err }));
  admin.addCommand(importCommand({ session, out, err, signal: interrupt.signal }));
  admin.addCommand(forecastCommand({ connect: session.connect, out, err }));
  admin.addCommand(seedCommand({ connect: session.connect, out, err, progress: process.stderr, signal: interrupt.signal }));
  // Replaying a dead letter runs its reactor here, and reactors queue jobs.
  let jobs: Jobs | undefined;
  admin.addCommand(
    deadLettersCommand({
      connect: async () => {
        const { pool, url } = await session.connect();
        if (!jobs) {
          const opened = new Jobs(url);
          session.onClose(() => opened.stop());
          jobs = opened;
        }
        return { pool, reactors: createReactors({ jobs, pool }) };
      },
      out,
      err,
      signal: interrupt.signal,
    }),
  );
  admin.addCommand(
    keysCommand({
      connect: session.connect,
      signing: async () => {
        const { masterKey, config } = await session.connect();
        return { masterKey, schedule: config.keySchedule };
      },
      out,
      err,
    }),
  );
  const face = faceCommand({ engine: startFaceEngine, matchThreshold: DEFAULT_FACE_POLICY.matchThreshold, out, err });
  return needsSubcommand(new Command('rollcall').description("Rollcall's admin tooling").addCommand(needsSubcommand(admin)).addCommand(face));
};

const main = async (): Promise<number> => {
  try {
    return await runCommandLine(program(), process.argv.slice(2), { out, err });
  } catch (error) {
    err(failure(error));
    return 1;
  } finally {
    await session.close();
  }
};

process.exitCode = await main();
