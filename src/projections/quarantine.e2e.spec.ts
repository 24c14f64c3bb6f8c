import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { graphqlClient } from '../../test/graphql.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { type ProjectionsCommandDeps, runProjectionsCommand } from '../cli/projections-command.js';
import type { Actor } from '../domain/actor.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { attendanceProjection } from './attendance/projection.js';
import type { Projection } from './projection.js';
import { decisionStream } from './quarantine.js';
import { rebuildProjection } from './rebuild.js';
import { ShadowApplyError } from './shadow-build.js';
import { type ProjectionFailure, ProjectionRunner, liveSchema } from './runner.js';
import { verifyProjection } from './verify.js';

/**
 * An event a projection still cannot apply (a bug not fixed yet) stops it; an operator's
 * recorded decision gets it past: the runner resumes without the event, and every rebuild
 * and verification leaves it out too.
 */

let rollcall: TestApp;
let env: NodeJS.ProcessEnv;
const stop: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  rollcall = await startTestApp();
  env = { ...process.env, DATABASE_URL: rollcall.db.url };
  delete env.EVENTSTORE_URL;
});
afterAll(async () => {
  for (const step of stop.reverse()) await step();
  await rollcall?.close();
});

const admin: Actor = { accountId: 'admin', roles: ['admin'] };
const gql = graphqlClient(() => rollcall.app);
const details = {
  title: 'Quarantine',
  description: '',
  venue: 'Hall',
  timeZone: 'UTC',
  registrationOpensAt: '2026-05-01T00:00:00Z',
  registrationClosesAt: '2026-06-01T00:00:00Z',
  requiresApproval: false,
  faceVerification: 'off',
};

let poison: RecordedEvent;
/** The attendance projection with a bug that makes it throw on one event. */
const poisoned: Projection = {
  ...attendanceProjection,
  async apply(client, schema, events, onUnstorable) {
    if (events.some((e) => e.id === poison?.id)) throw new Error('the projection has a bug this event meets');
    await attendanceProjection.apply(client, schema, events, onUnstorable);
  },
};

/** The CLI in this process, with the poisoned projection as `attendance`: exit code, stdout and stderr. */
const cli = async (...args: string[]) => {
  let [out, err] = ['', ''];
  const deps: ProjectionsCommandDeps = {
    connect: async () => ({ store: rollcall.store, pool: rollcall.db.pool }),
    out: (line) => void (out += `${line}\n`),
    err: { write: (text: string) => ((err += text), true) } as unknown as NodeJS.WriteStream,
    projections: [poisoned],
  };
  const code = await runProjectionsCommand(args, deps);
  return { code, out, err };
};

const eventRow = async (eventId: string) =>
  (await rollcall.db.pool.query(`SELECT title, capacity FROM ${liveSchema('attendance')}.events WHERE event_id = $1`, [eventId])).rows[0];

describe('rollcall admin projections quarantine', () => {
  it('gets a projection stuck on an event past it: the runner resumes without it, and status and GraphQL show the decision', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await rollcall.store.append(`event-${first}`, [anEvent('EventCreated', { eventId: first, organizerId: 'org', details, capacity: 5 })], 'no_stream');
    await rollcall.store.append(`event-${first}`, [anEvent('CapacityChanged', { capacity: 7 })], 0n);
    poison = (await rollcall.store.readStream(`event-${first}`))[1]!;
    const later = await rollcall.store.append(
      `event-${second}`,
      [anEvent('EventCreated', { eventId: second, organizerId: 'org', details: { ...details, title: 'After' }, capacity: 1 })],
      'no_stream',
    );

    const failures: ProjectionFailure[] = [];
    const runner = new ProjectionRunner({ store: rollcall.store, pool: rollcall.db.pool, projection: poisoned, lockRetryMs: 50, onFailure: (f) => failures.push(f) });
    stop.push(() => runner.stop());
    await runner.start();
    await expect(runner.caughtUp(later.position, { timeoutMs: 10_000 })).rejects.toThrow(/failed/);
    expect(failures).toEqual([expect.objectContaining({ eventId: poison.id })]);
    expect(await eventRow(second)).toBeUndefined();

    const quarantined = await cli('quarantine', 'attendance', '--event', poison.id, '--reason', 'Capacity bug, ticket #12', '--by', 'ops-ann');
    expect(quarantined).toMatchObject({ code: 0, err: '' });
    expect(quarantined.out).toMatch(new RegExp(`^attendance: event ${poison.id} is quarantined \\(by ops-ann at .+\\): Capacity bug, ticket #12\\n$`));
    const [decision] = await rollcall.store.readStream(decisionStream('attendance'));
    expect(decision).toMatchObject({
      type: 'ProjectionEventQuarantined',
      data: { projection: 'attendance', eventId: poison.id, reason: 'Capacity bug, ticket #12', by: 'ops-ann' },
      metadata: { actorId: 'ops-ann' },
    });

    // The runner sees the decision by itself, resumes and skips the event.
    await vi.waitFor(() => expect(runner.status().state).toBe('running'), { timeout: 10_000, interval: 50 });
    await runner.caughtUp(later.position, { timeoutMs: 10_000 });
    expect(runner.status()).toMatchObject({ state: 'running' });
    expect(runner.status().failure).toBeUndefined();
    expect(await eventRow(first)).toEqual({ title: 'Quarantine', capacity: 5 });
    expect(await eventRow(second)).toEqual({ title: 'After', capacity: 1 });

    const again = await cli('quarantine', 'attendance', '--event', poison.id, '--reason', 'Another reason', '--by', 'ops-bob');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`^attendance: event ${poison.id} was already quarantined \\(by ops-ann at .+\\): Capacity bug, ticket #12\\n$`));
    expect(await rollcall.store.readStream(decisionStream('attendance'))).toHaveLength(1);

    const status = await gql(admin, `{ projections { name quarantined { eventId reason by at } } }`);
    expect(status.errors).toBeUndefined();
    const attendance = status.data.projections.find((p: { name: string }) => p.name === 'attendance');
    expect(attendance.quarantined).toEqual([{ eventId: poison.id, reason: 'Capacity bug, ticket #12', by: 'ops-ann', at: decision!.data.at }]);
    expect(status.data.projections.find((p: { name: string }) => p.name === 'audit').quarantined).toEqual([]);

    const json = await runRollcallCli(['admin', 'projections', 'status', '--json'], env);
    expect(json.code).toBe(0);
    const rows = (JSON.parse(json.stdout) as { projections: { name: string; quarantined: unknown[] }[] }).projections;
    expect(rows.find((p) => p.name === 'attendance')!.quarantined).toEqual([expect.objectContaining({ eventId: poison.id, by: 'ops-ann' })]);
    const text = await runRollcallCli(['admin', 'projections', 'status'], env);
    expect(text.stdout).toContain(`attendance skips quarantined event ${poison.id} (by ops-ann at ${decision!.data.at}): Capacity bug, ticket #12`);
  });

  it('is honoured by a rebuild and a verification, which would otherwise fail at the event', async () => {
    // Decisions are per projection: another one with the same bug meets the event, and is told which it is.
    const undecided = rebuildProjection({ store: rollcall.store, pool: rollcall.db.pool, projection: { ...poisoned, name: 'undecided' } });
    await expect(undecided).rejects.toThrow(`Projection undecided cannot apply event ${poison.id} (CapacityChanged)`);
    await expect(undecided).rejects.toBeInstanceOf(ShadowApplyError);

    await rebuildProjection({ store: rollcall.store, pool: rollcall.db.pool, projection: poisoned, lockRetryMs: 50 });
    expect(await eventRow(poison.streamId.slice('event-'.length))).toEqual({ title: 'Quarantine', capacity: 5 });
    const verified = await verifyProjection({ store: rollcall.store, pool: rollcall.db.pool, projection: poisoned });
    expect(verified.tables.every((t) => t.equal)).toBe(true);
    // The domain's fold leaves the quarantined event out too, and says so.
    expect(verified.domain).toMatchObject({ equal: true, quarantined: 1 });
  });

  it('says so when the live tables hold the event already: only a rebuild takes it out', async () => {
    const [created] = await rollcall.store.readStream(poison.streamId);
    const result = await cli('quarantine', 'attendance', '--event', created!.id, '--reason', 'Created by mistake', '--by', 'ops');
    expect(result.code).toBe(0);
    expect(result.out).toContain('attendance applied this event already; the live tables keep it until the next rebuild');
  });

  it('says what is wrong with its arguments in one line, as every projections command does', async () => {
    const cases: [string[], number, RegExp][] = [
      [['quarantine', 'attendance', '--reason', 'r'], 2, /^quarantine needs --event <eventId>, a UUID \(--help shows the usage\)\n$/],
      [['quarantine', 'attendance', '--event', 'abc', '--reason', 'r'], 2, /^quarantine needs --event <eventId>, a UUID/],
      [['quarantine', 'attendance', '--event', randomUUID()], 2, /^quarantine needs --reason \(--help shows the usage\)\n$/],
      [['quarantine', 'attendance', '--event', randomUUID(), '--reason', ' '], 2, /^--reason must be 1 to 500 characters/],
      [['quarantine', 'nothing', '--event', randomUUID(), '--reason', 'r'], 2, /^Unknown projection "nothing"\. Projections: attendance/],
      [['quarantine', 'attendance', '--event', randomUUID(), '--reason', 'r', '--by', 'a\nb'], 2, /^--by must not hold control characters/],
      [['quarantine', 'attendance', '--event', randomUUID(), '--reason', 'r', '--by', 'ops'], 1, /^No event [0-9a-f-]{36} is stored\n$/],
      [['quarantine', 'attendance', '--evnt', 'x'], 2, /^Unknown option '--evnt'.*\(--help shows the usage\)\n$/],
      [['verify'], 2, /^verify takes one projection name \(--help shows the usage\)\n$/],
      [['frobnicate'], 2, /^Unknown command "frobnicate"/],
      [[], 2, /^Which command: list, status, rebuild, verify or quarantine\?/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.err).toMatch(message);
      expect(result.err.trimEnd().split('\n')).toHaveLength(1);
      expect(result.out).toBe('');
    }
  });
});
