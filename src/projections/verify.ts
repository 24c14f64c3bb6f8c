import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import type { DomainComparison } from './domain-check.js';
import { versionOf } from './projection.js';
import { liveSchema, readCheckpoint } from './runner.js';
import { readSchemaVersion } from './schema-version.js';
import { ShadowBuild, type ShadowBuildOptions } from './shadow-build.js';

export interface TableChecksum {
  rows: number;
  checksum: string;
}

export interface TableComparison {
  table: string;
  /** Undefined when the table is missing on that side. */
  live: TableChecksum | undefined;
  rebuilt: TableChecksum | undefined;
  equal: boolean;
}

export interface VerifyResult {
  projection: string;
  /** The live checkpoint both sides were compared at. */
  position: Position | undefined;
  tables: TableComparison[];
  /** The live tables against the domain's own fold of the log, for a projection that has one. */
  domain: DomainComparison | undefined;
  /** Whether the tables equal a rebuild's and (where there is one) the domain's fold. */
  equal: boolean;
  /** The rebuilt tables, kept for a look when they differ (the next verification drops them). */
  keptSchema: string | undefined;
}

/**
 * A checksum of a table's rows that does not depend on their order: the sum of each row's
 * md5 as two 64-bit halves. It streams (no aggregate string that could outgrow memory) and
 * row text carries every column, so any changed, missing or extra row shows.
 */
const checksumOf = async (client: pg.PoolClient, schema: string, table: string): Promise<TableChecksum> => {
  const { rows } = await client.query<{ rows: string; high: string; low: string }>(
    `SELECT count(*) AS rows,
            coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text AS high,
            coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text AS low
       FROM (SELECT md5(t::text) AS h FROM ${schema}.${client.escapeIdentifier(table)} t) hashed`,
  );
  const row = rows[0]!;
  return { rows: Number(row.rows), checksum: createHash('md5').update(`${row.rows}:${row.high}:${row.low}`).digest('hex').slice(0, 16) };
};

/** Every table of `schema`, by name. */
export const checksums = async (client: pg.PoolClient, schema: string): Promise<Map<string, TableChecksum>> => {
  const { rows } = await client.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
    [schema],
  );
  const sums = new Map<string, TableChecksum>();
  for (const { tablename } of rows) sums.set(tablename, await checksumOf(client, schema, tablename));
  return sums;
};

/**
 * Rebuilds the projection from the first event into `rm_<name>__verify` up to the live
 * checkpoint and compares every table's checksum with the live one. The live side is read
 * in one repeatable-read snapshot together with its checkpoint (the runner commits rows
 * and checkpoint together), so a runner may keep applying meanwhile: no lock is needed.
 *
 * A rebuild repeats whatever a projection gets wrong, so a projection that has a domain to
 * compare with is also compared with the domain's own fold of the log (`compareWithDomain`).
 */
export const verifyProjection = async (
  options: ShadowBuildOptions & { keepOnDifference?: boolean; differences?: number },
): Promise<VerifyResult> => {
  const { name } = options.projection;
  await requireLiveVersion(options);
  const shadow = await ShadowBuild.open(options, 'verify', false);
  const { client } = shadow;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let live: Map<string, TableChecksum>;
    let position: Position | undefined;
    try {
      position = (await readCheckpoint(client, name))?.position;
      live = await checksums(client, liveSchema(name));
    } finally {
      await client.query('COMMIT');
    }
    if (position) await shadow.applyAll(position);
    if ((position === undefined) !== (shadow.position === undefined) || (position && comparePositions(position, shadow.position!) !== 0))
      throw new Error(
        `Could not read the log up to the live checkpoint ${position ? formatPosition(position) : '(none)'} of projection ${name}`,
      );
    shadow.report('comparing');
    const rebuilt = await checksums(client, shadow.schema);
    const tables = [...new Set([...live.keys(), ...rebuilt.keys()])].sort().map((table): TableComparison => {
      const [l, r] = [live.get(table), rebuilt.get(table)];
      return { table, live: l, rebuilt: r, equal: l !== undefined && r !== undefined && l.rows === r.rows && l.checksum === r.checksum };
    });
    const tablesEqual = tables.length > 0 && tables.every((t) => t.equal);
    const keep = !tablesEqual && (options.keepOnDifference ?? true);
    if (keep) await shadow.forget();
    else await shadow.discard();
    const domain = await options.projection.compareWithDomain?.({
      store: options.store,
      pool: options.pool,
      ...(options.differences ? { limit: options.differences } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    shadow.report('done');
    const equal = tablesEqual && (domain?.equal ?? true);
    return { projection: name, position, tables, domain, equal, keptSchema: keep ? shadow.schema : undefined };
  } finally {
    await shadow.close();
  }
};

/** Live tables of another version differ from a rebuild by design: replacing them is the projector's job, not a finding. */
const requireLiveVersion = async ({ pool, projection }: ShadowBuildOptions): Promise<void> => {
  const client = await pool.connect();
  try {
    const live = await readSchemaVersion(client, liveSchema(projection.name));
    if (live !== undefined && live !== versionOf(projection))
      throw new Error(
        `The live tables of ${projection.name} are version ${live} and this code builds version ${versionOf(projection)}: a projector of this version replaces them when it starts (or rebuild them)`,
      );
  } finally {
    client.release();
  }
};
