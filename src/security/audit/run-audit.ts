/**
 * `npm run audit:security`: the security probes against a running Rollcall, over HTTP only.
 * With AUDIT_URL (and AUDIT_ADMIN_EMAIL, AUDIT_ADMIN_PASSWORD, and AUDIT_OUTBOX or DATA_DIR for
 * its outbox) it probes that server; without, it starts one of its own on a temporary data
 * directory and removes it after, on failure and Ctrl-C too. One line per probe, a summary,
 * and exit code 0 only when every probe passed (1: some failed, 2: the audit could not run).
 */
import { AuditSetupError, type AuditTarget, LocalRollcall, remoteTarget } from './audit-target.js';
import { type Probe, ProbeFailure } from './probe.js';
import { PROBES } from './probes.js';
import { type World, buildWorld } from './world.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const runProbe = async (probe: Probe, world: World): Promise<boolean> => {
  const label = `${probe.area.padEnd(13)} ${probe.name}`;
  try {
    const note = await probe.run(world);
    say(`PASS  ${label}${note ? `  (${note})` : ''}`);
    return true;
  } catch (error) {
    const detail = error instanceof ProbeFailure ? error.message : `the probe itself failed: ${(error as Error).stack ?? String(error)}`;
    say(`FAIL  ${label}\n      ${detail}`);
    return false;
  }
};

/** The server's own error lines (pino level 50 and up): they explain a 5xx. */
const serverErrors = (output: string): string[] => output.split('\n').filter((line) => /"level":(50|60)/.test(line));

const main = async (): Promise<number> => {
  const local = process.env.AUDIT_URL ? undefined : new LocalRollcall();
  // `on`, not `once`: under npm and tsx a Ctrl-C arrives twice (from the terminal, and relayed
  // by tsx), and a second one left to its default would kill the audit before it cleans up.
  let stopping = false;
  const stopOn = (signal: NodeJS.Signals, code: number) =>
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`\n${signal}: stopping`);
      void (local?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
    });
  stopOn('SIGINT', 130);
  stopOn('SIGTERM', 143);

  const started = Date.now();
  try {
    let target: AuditTarget;
    if (local) {
      say('Starting a Rollcall of its own for the audit (temporary data directory, embedded PostgreSQL, GRAPHIQL off)…');
      target = await local.start();
    } else target = remoteTarget(process.env);
    say(`Probing ${target.url}; reading mail from ${target.outboxDir}`);
    const world = await buildWorld(target);
    say(`Set up accounts of every role, two published events and a ticket in ${seconds(started)}\n`);

    let failed = 0;
    for (const probe of PROBES) if (!(await runProbe(probe, world))) failed++;
    say(`\n${PROBES.length} probes: ${PROBES.length - failed} passed, ${failed} failed, in ${seconds(started)} (${world.client.requests} requests)`);
    const errors = local ? serverErrors(local.output()) : [];
    if (errors.length) say(`\nThe server logged ${errors.length} errors; the first ones:\n${errors.slice(0, 10).join('\n')}`);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    const reason = error instanceof AuditSetupError || error instanceof ProbeFailure ? error.message : ((error as Error).stack ?? String(error));
    say(`The audit could not run: ${reason}`);
    // Each run signs up a dozen accounts, and a network may sign up 20 an hour.
    if (reason.includes('RATE_LIMITED'))
      say('The server rate-limited the set-up: against a long-lived server, one run per hour from one address; without AUDIT_URL every run gets a fresh server.');
    return 2;
  } finally {
    await local?.stop();
  }
};

process.exit(await main());
