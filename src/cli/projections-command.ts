import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { type Position, formatPosition } from '../eventstore/position.js';
import { readConsumerLag } from '../integration/consumer-lag.js';
import type { Projection } from '../projections/projection.js';
import { projections as allProjections } from '../projections/projections.js';
import { RebuildBusyError, buildShadowsTogether, readShadowBuilds, rebuildProjection } from '../projections/rebuild.js';
import { liveSchema, readCheckpoint } from '../projections/runner.js';
import { verifyProjection } from '../projections/verify.js';
import { ProgressBar } from './progress.js';
import { table } from './table.js';

export const PROJECTIONS_USAGE = `Usage: rollcall admin projections <command>
  list [--json]              the projections, their schemas and tables
  status [--json]            checkpoint, lag, state and rebuilds in progress of each projection,
                             and the lag of the Kafka forwarder and of each reactor
  rebuild <name> | --all     rebuild into fresh tables from the first event, then swap them in
                             (resumes a rebuild that was interrupted)
  verify <name> [--json]     rebuild aside and compare checksums with the live tables (exit 1 if different)
Options: --batch-size <n>    events per transaction while rebuilding (default 1000)`;

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

class UsageError extends Error {}

const position = (p: Position | undefined): string | null => (p ? formatPosition(p) : null);
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs `admin projections <args>`; resolves to the process's exit code. */
export const runProjectionsCommand = async (args: string[], deps: ProjectionsCommandDeps): Promise<number> => {
  const known = deps.projections ?? allProjections;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { all: { type: 'boolean' }, json: { type: 'boolean' }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    deps.err.write(`${(error as Error).message}\n${PROJECTIONS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? deps.out : (line: string) => deps.err.write(`${line}\n`))(PROJECTIONS_USAGE);
    return values.help ? 0 : 2;
  }
  const byName = (name: string | undefined): Projection => {
    const projection = known.find((p) => p.name === name);
    if (!projection) throw new UsageError(`Unknown projection "${name ?? ''}". Projections: ${known.map((p) => p.name).join(', ')}`);
    return projection;
  };
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);

  try {
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1))
      throw new UsageError('--batch-size must be a positive integer');
    switch (command) {
      case 'list':
        return list(known, values.json ?? false, deps);
      case 'status':
        return await status(known, values.json ?? false, deps);
      case 'rebuild': {
        if (values.all === (rest.length > 0) || rest.length > 1) throw new UsageError('rebuild takes one projection name or --all');
        const chosen = values.all ? known : [byName(rest[0])];
        return await rebuild(chosen, batchSize, deps);
      }
      case 'verify':
        if (rest.length !== 1) throw new UsageError('verify takes one projection name');
        return await verify(byName(rest[0]), batchSize, values.json ?? false, deps);
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      deps.err.write(`${error.message}\n${PROJECTIONS_USAGE}\n`);
      return 2;
    }
    throw error;
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
    const lag =
      store.kind === 'postgres'
        ? Number(
            (
              await pool.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events WHERE position > $1', [
                (checkpoint?.position?.commit ?? -1n).toString(),
              ])
            ).rows[0]!.n,
          )
        : null;
    rows.push({
      name: projection.name,
      state: checkpoint?.status ?? 'never_run',
      position: position(checkpoint?.position),
      lag,
      updatedAt: checkpoint?.updatedAt.toISOString() ?? null,
      failure: checkpoint?.failure ?? null,
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
  for (const r of rows) if (r.failure) deps.out(`${r.name} failed: ${r.failure.error} (event ${r.failure.position ?? '-'})`);
  if (consumers.length === 0) return 0;
  deps.out('');
  const consumerLines = table([
    ['CONSUMER', 'MODE', 'LAG', 'AS OF'],
    ...consumers.map((c) => [c.consumer, c.mode, c.lag === null ? '?' : count(c.lag), c.reportedAt]),
  ]);
  for (const line of consumerLines) deps.out(line);
  return 0;
};

const rebuild = async (chosen: readonly Projection[], batchSize: number | undefined, deps: ProjectionsCommandDeps): Promise<number> => {
  const { store, pool } = await deps.connect();
  if (chosen.length > 1) {
    // One pass over the log builds every shadow; each projection then catches up and swaps below.
    const bar = new ProgressBar(chosen.map((p) => p.name).join('+'), deps.err);
    try {
      await buildShadowsTogether({
        store,
        pool,
        projections: chosen,
        onProgress: (progress) => progress.projection === chosen[0]!.name && bar.update(progress),
        ...(batchSize ? { batchSize } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      bar.finish(`built ${chosen.length} shadows in ${bar.elapsedSeconds().toFixed(1)} s (${count(bar.rate())} events/s each)`);
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
        onProgress: bar.update,
        ...(batchSize ? { batchSize } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      bar.finish(
        `${projection.name}: applied ${count(result.applied - (result.resumed?.applied ?? 0))} events in ${bar.elapsedSeconds().toFixed(1)} s (${count(bar.rate())} events/s)`,
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
    error instanceof RebuildBusyError ? `${error.message}\n` : `${what}: rebuild failed, the live tables are unchanged: ${(error as Error).message}\n`,
  );
  return 1;
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
      onProgress: bar.update,
      ...(batchSize ? { batchSize } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    bar.finish(`${projection.name}: rebuilt ${count(result.tables.length)} tables aside in ${bar.elapsedSeconds().toFixed(1)} s`);
  } catch (error) {
    bar.finish();
    deps.err.write(`${projection.name}: verify ${deps.signal?.aborted ? 'interrupted' : `failed: ${(error as Error).message}`}\n`);
    return deps.signal?.aborted ? 130 : 1;
  }
  if (json) {
    deps.out(JSON.stringify({ ...result, position: position(result.position) }, null, 2));
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
  deps.out(
    result.equal
      ? `${projection.name}: OK`
      : `${projection.name}: DIFFERENT${result.keptSchema ? ` (the rebuilt tables are kept in ${result.keptSchema})` : ''}`,
  );
  return result.equal ? 0 : 1;
};
