// Over 300 lines on purpose: one command with five subcommands (list, status, rebuild, verify, quarantine) that share their checks, progress and output helpers; each subcommand is a short function.
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { type TextRule, text } from '../domain/values.js';
import type { EventStore } from '../eventstore/event-store.js';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import { readConsumerLag } from '../integration/consumer-lag.js';
import { eventsAfter } from '../log-follower/lag.js';
import type { Projection } from '../projections/projection.js';
import { projections as allProjections } from '../projections/projections.js';
import { quarantineEvent, readQuarantined } from '../projections/quarantine.js';
import { buildShadowsTogether, rebuildProjection } from '../projections/rebuild.js';
import { type RunnerLog, liveSchema, readCheckpoint } from '../projections/runner.js';
import { RebuildBusyError, ShadowApplyError, readShadowBuilds } from '../projections/shadow-build.js';
import { type VerifyResult, verifyProjection } from '../projections/verify.js';
import { isUuid } from '../uuid.js';
import { UsageError, exits, needsSubcommand, runCommandLine } from './command-line.js';
import { oneLine } from './one-line.js';
import { ProgressBar, eventRate } from './progress.js';
import { table } from './table.js';

export interface Connection {
  store: EventStore;
  pool: pg.Pool;
}

export interface ProjectionsCommandDeps {
  /** Opened only by the commands that need the database. */
  connect(): Promise<Connection>;
  out: (line: string) => void;
  err: NodeJS.WriteStream;
  signal?: AbortSignal;
  projections?: readonly Projection[];
}

/** What verify lists of the differences it finds with the domain's fold (all are counted). */
const DOMAIN_DIFFERENCES_SHOWN = 20;

/** The arguments are fine but name something that is not there: exit 1. */
class NotFoundError extends Error {}

const position = (p: Position | undefined): string | null => (p ? formatPosition(p) : null);
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

const batchSizeOption = () =>
  new Option('--batch-size <n>', 'events per transaction (default 1000)').argParser((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('It must be a positive integer.');
    return n;
  });

/**
 * `rollcall admin projections …`: list, status, rebuild, verify and quarantine. Arguments are
 * optional to commander and checked here, so that each mistake is told in a sentence of ours.
 */
export const projectionsCommand = (deps: ProjectionsCommandDeps): Command => {
  const known = deps.projections ?? allProjections;
  const byName = (name: string | undefined): Projection => {
    const projection = known.find((p) => p.name === name);
    if (!projection) throw new UsageError(`Unknown projection "${name ?? ''}". Projections: ${known.map((p) => p.name).join(', ')}`);
    return projection;
  };
  // A projection that is not there is exit 1 (said without the pointer to --help), as the CLI's other look-ups are.
  const found = async (work: Promise<number>): Promise<number> => {
    try {
      return await work;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      deps.err.write(`${oneLine(error.message)}\n`);
      return 1;
    }
  };
  const projections = new Command('projections').description('the read models: their state, rebuilds, verification and quarantined events');
  projections
    .command('list')
    .description('the projections, their schemas and tables')
    .option('--json', 'as JSON')
    .action(exits((options: { json?: boolean }) => list(known, options.json ?? false, deps)));
  projections
    .command('status')
    .description('checkpoint, lag, state, quarantined events and rebuilds in progress of each projection, and the lag of the Kafka forwarder and of each reactor')
    .option('--json', 'as JSON')
    .action(exits((options: { json?: boolean }) => status(known, options.json ?? false, deps)));
  projections
    .command('rebuild')
    .description('rebuild into fresh tables from the first event, then swap them in (resumes a rebuild that was interrupted)')
    .argument('[name]', 'the projection')
    .option('--all', 'every projection, from one pass over the log')
    .addOption(batchSizeOption())
    .action(
      exits((name: string | undefined, options: { all?: boolean; batchSize?: number }) => {
        if (options.all === (name !== undefined)) throw new UsageError('rebuild takes one projection name or --all');
        return rebuild(options.all ? known : [byName(name)], options.batchSize, deps);
      }),
    );
  projections
    .command('verify')
    .description("rebuild aside and compare checksums with the live tables, and with the domain's own fold of the log where there is one (exit 1 if different)")
    .argument('[name]', 'the projection')
    .option('--json', 'as JSON')
    .addOption(batchSizeOption())
    .action(
      exits((name: string | undefined, options: { json?: boolean; batchSize?: number }) => {
        if (name === undefined) throw new UsageError('verify takes one projection name');
        return verify(byName(name), options.batchSize, options.json ?? false, deps);
      }),
    );
  projections
    .command('quarantine')
    .description('record that the projection skips an event it cannot apply, live and in every rebuild and verification')
    .argument('[name]', 'the projection')
    .option('--event <eventId>', 'the event to skip')
    .option('--reason <text>', 'why, for whoever reads the status later')
    .option('--by <name>', 'who decided (default: your user name)')
    .action(
      exits((name: string | undefined, options: { event?: string; reason?: string; by?: string }) => {
        if (name === undefined) throw new UsageError('quarantine takes one projection name');
        const projection = byName(name);
        if (options.event === undefined || !isUuid(options.event)) throw new UsageError('quarantine needs --event <eventId>, a UUID');
        const reason = checked(options.reason, '--reason', { min: 1, max: 500, multiline: true });
        const by = checked(options.by ?? operatorName(), '--by', { min: 1, max: 200 });
        return found(quarantine(projection, options.event!, reason, by, deps));
      }),
    );
  return needsSubcommand(projections);
};

/** Runs `admin projections <args>` on its own (as the specs do); resolves to the exit code. */
export const runProjectionsCommand = (args: string[], deps: ProjectionsCommandDeps): Promise<number> =>
  runCommandLine(projectionsCommand(deps), args, { out: deps.out, err: (line) => void deps.err.write(`${line}\n`) });

/** Text an operator gave, held to the rules text in an event is held to. */
const checked = (value: string | undefined, name: string, rule: TextRule): string => {
  if (value === undefined) throw new UsageError(`quarantine needs ${name}`);
  try {
    return text(value, name, rule);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.message);
    throw error;
  }
};

/** Who runs the command, as the system knows them; some containers run as a user without a name. */
const operatorName = (): string | undefined => {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
};

const list = (known: readonly Projection[], json: boolean, deps: ProjectionsCommandDeps): number => {
  const rows = known.map((p) => ({ name: p.name, schema: liveSchema(p.name), tables: [...p.tables] }));
  if (json) deps.out(JSON.stringify(rows, null, 2));
  else for (const line of table([['NAME', 'SCHEMA', 'TABLES'], ...rows.map((r) => [r.name, r.schema, r.tables.join(', ')])])) deps.out(line);
  return 0;
};

const status = async (known: readonly Projection[], json: boolean, deps: ProjectionsCommandDeps): Promise<number> => {
  const { store, pool } = await deps.connect();
  const builds = await readShadowBuilds(pool);
  const rows = [];
  for (const projection of known) {
    const checkpoint = await readCheckpoint(pool, projection.name);
    // Counting behind the checkpoint is cheap on the PostgreSQL store only; EventStoreDB's log has no such index.
    const lag = store.kind === 'postgres' ? await eventsAfter(pool, checkpoint?.position) : null;
    rows.push({
      name: projection.name,
      state: checkpoint?.status ?? 'never_run',
      position: position(checkpoint?.position),
      lag,
      updatedAt: checkpoint?.updatedAt.toISOString() ?? null,
      failure: checkpoint?.failure ?? null,
      quarantined: await readQuarantined(store, projection.name),
      rebuilds: builds
        .filter((b) => b.projection === projection.name)
        .map((b) => ({ purpose: b.purpose, schema: b.target, position: position(b.position), applied: b.applied, updatedAt: b.updatedAt.toISOString() })),
    });
  }
  const consumers = await readConsumerLag(pool, store.kind);
  if (json) {
    deps.out(JSON.stringify({ projections: rows, consumers }, null, 2));
    return 0;
  }
  const lines = table([
    ['NAME', 'STATE', 'POSITION', 'LAG', 'UPDATED', 'REBUILD'],
    ...rows.map((r) => [
      r.name,
      r.state,
      r.position ?? '-',
      r.lag === null ? '?' : count(r.lag),
      r.updatedAt ?? '-',
      r.rebuilds.map((b) => `${b.purpose} in ${b.schema} at ${b.position ?? 'start'} (${count(b.applied)} events)`).join('; ') || '-',
    ]),
  ]);
  for (const line of lines) deps.out(line);
  for (const r of rows) {
    if (r.failure) deps.out(`${r.name} failed: ${oneLine(r.failure.error)} (event ${r.failure.eventId ?? '-'} at ${r.failure.position ?? '-'})`);
    for (const q of r.quarantined) deps.out(`${r.name} skips quarantined event ${q.eventId} (by ${q.by} at ${q.at}): ${oneLine(q.reason)}`);
  }
  if (consumers.length === 0) return 0;
  deps.out('');
  const consumerLines = table([
    ['CONSUMER', 'MODE', 'LAG', 'AS OF'],
    ...consumers.map((c) => [c.consumer, c.mode, c.lag === null ? '?' : count(c.lag), c.reportedAt]),
  ]);
  for (const line of consumerLines) deps.out(line);
  return 0;
};

/** Values a rebuild cannot store (null in the new tables), one line each on stderr. */
const warnings = (deps: ProjectionsCommandDeps): RunnerLog => {
  const line = (_details: object, message: string) => void deps.err.write(`${oneLine(message)}\n`);
  return { info: () => undefined, warn: line, error: line };
};

const rebuild = async (chosen: readonly Projection[], batchSize: number | undefined, deps: ProjectionsCommandDeps): Promise<number> => {
  const { store, pool } = await deps.connect();
  const log = warnings(deps);
  if (chosen.length > 1) {
    // One pass over the log builds every shadow; each projection then catches up and swaps below.
    const bar = new ProgressBar(chosen.map((p) => p.name).join('+'), deps.err);
    try {
      await buildShadowsTogether({
        store,
        pool,
        projections: chosen,
        log,
        onProgress: (progress) => progress.projection === chosen[0]!.name && bar.update(progress),
        ...(batchSize ? { batchSize } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const rate = bar.rate();
      bar.finish(`built ${chosen.length} shadows in ${bar.elapsedSeconds().toFixed(1)} s${rate === undefined ? '' : ` (${eventRate(rate, 1)} each)`}`);
    } catch (error) {
      bar.finish();
      return rebuildFailed(error, chosen.map((p) => p.name).join(', '), deps);
    }
  }
  for (const projection of chosen) {
    const bar = new ProgressBar(projection.name, deps.err);
    try {
      const result = await rebuildProjection({
        store,
        pool,
        projection,
        log,
        onProgress: bar.update,
        ...(batchSize ? { batchSize } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      // This run's own events: a resumed rebuild's earlier ones took their time in the run that applied them.
      const [events, seconds] = [result.applied - (result.resumed?.applied ?? 0), bar.elapsedSeconds()];
      const rate = eventRate(events, seconds);
      bar.finish(
        events === 0
          ? `${projection.name}: nothing left to apply`
          : `${projection.name}: applied ${count(events)} events in ${seconds.toFixed(1)} s${rate ? ` (${rate})` : ''}`,
      );
      const resumed = result.resumed ? ` (resumed from ${position(result.resumed.position) ?? 'the start'})` : '';
      deps.out(`${projection.name}: rebuilt from ${count(result.applied)} events and swapped in, live checkpoint ${position(result.position) ?? 'none'}${resumed}`);
    } catch (error) {
      bar.finish();
      return rebuildFailed(error, projection.name, deps);
    }
  }
  return 0;
};

/** Says why a rebuild stopped (the live tables are never touched before the swap); returns the exit code. */
const rebuildFailed = (error: unknown, what: string, deps: ProjectionsCommandDeps): number => {
  if (deps.signal?.aborted) {
    deps.err.write(`${what}: interrupted; the live tables are unchanged, run the rebuild again to resume\n`);
    return 130;
  }
  deps.err.write(
    error instanceof RebuildBusyError
      ? `${error.message}\n`
      : `${what}: rebuild failed, the live tables are unchanged: ${oneLine((error as Error).message)}${quarantineHint(error)}\n`,
  );
  return 1;
};

/** How to get past an event the projection cannot apply, when the error names one. */
const quarantineHint = (error: unknown): string =>
  error instanceof ShadowApplyError && error.event
    ? ` (to skip it: rollcall admin projections quarantine ${error.projection} --event ${error.event.id} --reason "…")`
    : '';

const quarantine = async (projection: Projection, eventId: string, reason: string, by: string, deps: ProjectionsCommandDeps): Promise<number> => {
  const { store, pool } = await deps.connect();
  // The PostgreSQL store can look an event up by id; EventStoreDB's log has no such index.
  let stored: Position | undefined;
  if (store.kind === 'postgres') {
    const { rows } = await pool.query<{ position: string }>('SELECT position FROM rollcall.events WHERE event_id = $1', [eventId]);
    if (!rows[0]) throw new NotFoundError(`No event ${eventId} is stored`);
    stored = { commit: BigInt(rows[0].position), prepare: BigInt(rows[0].position) };
  }
  const { decision, recorded } = await quarantineEvent(store, { projection: projection.name, eventId, reason, by });
  deps.out(
    `${projection.name}: event ${decision.eventId} ${recorded ? 'is' : 'was already'} quarantined (by ${decision.by} at ${decision.at}): ${oneLine(decision.reason)}`,
  );
  // Before this decision nothing told the live runner to skip the event: behind its checkpoint, it was applied.
  const applied = (await readCheckpoint(pool, projection.name))?.position;
  if (recorded && stored && applied && comparePositions(stored, applied) <= 0)
    deps.out(`${projection.name} applied this event already; the live tables keep it until the next rebuild`);
  return 0;
};

const verify = async (projection: Projection, batchSize: number | undefined, json: boolean, deps: ProjectionsCommandDeps): Promise<number> => {
  const { store, pool } = await deps.connect();
  const bar = new ProgressBar(`${projection.name} (verify)`, deps.err);
  let result;
  try {
    result = await verifyProjection({
      store,
      pool,
      projection,
      differences: DOMAIN_DIFFERENCES_SHOWN,
      onProgress: bar.update,
      ...(batchSize ? { batchSize } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    bar.finish(`${projection.name}: rebuilt ${count(result.tables.length)} tables aside in ${bar.elapsedSeconds().toFixed(1)} s`);
  } catch (error) {
    bar.finish();
    deps.err.write(
      `${projection.name}: verify ${deps.signal?.aborted ? 'interrupted' : `failed: ${oneLine((error as Error).message)}${quarantineHint(error)}`}\n`,
    );
    return deps.signal?.aborted ? 130 : 1;
  }
  if (json) {
    const domain = result.domain && { ...result.domain, position: position(result.domain.position) };
    deps.out(JSON.stringify({ ...result, position: position(result.position), domain }, null, 2));
    return result.equal ? 0 : 1;
  }
  deps.out(`${projection.name} at position ${position(result.position) ?? '(nothing applied)'}:`);
  const side = (s: { rows: number; checksum: string } | undefined) => (s ? `${count(s.rows)} rows ${s.checksum}` : 'missing');
  for (const line of table(
    result.tables.map((t) => [
      `  ${t.table}`,
      t.equal ? 'OK' : 'DIFFERENT',
      t.equal ? `${count(t.live!.rows)} rows` : `live ${side(t.live)}, rebuilt ${side(t.rebuilt)}`,
    ]),
  ))
    deps.out(line);
  printDomainComparison(result, deps);
  deps.out(
    result.equal
      ? `${projection.name}: OK`
      : `${projection.name}: DIFFERENT${result.keptSchema ? ` (the rebuilt tables are kept in ${result.keptSchema})` : ''}`,
  );
  return result.equal ? 0 : 1;
};

const printDomainComparison = ({ projection, domain }: VerifyResult, deps: ProjectionsCommandDeps): void => {
  if (!domain) return;
  const left = domain.quarantined > 0 ? `; ${count(domain.quarantined)} quarantined event(s) left out on both sides` : '';
  const shown = domain.differenceCount > domain.differences.length ? `, the first ${domain.differences.length} shown` : '';
  deps.out(
    `${projection} against the domain's fold of ${count(domain.streams)} streams at ${position(domain.position) ?? '(nothing applied)'}: ${
      domain.equal ? 'OK' : `${count(domain.differenceCount)} difference(s)${shown}`
    }${left}`,
  );
  const value = (v: unknown): string => (v === null ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));
  for (const d of domain.differences) deps.out(`  ${d.streamId}: ${d.what}: live ${value(d.live)}, domain ${value(d.domain)}`);
};
