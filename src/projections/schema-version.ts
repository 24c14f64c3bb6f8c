import type pg from 'pg';

/**
 * Which version of a projection built the tables of a schema, kept as the schema's comment.
 * The version belongs to the tables, not to the checkpoint: a rebuild's swap renames the
 * shadow schema to the live one and the comment goes with it, so tables and version can never
 * disagree. Schemas from before versions have no comment and read as version 1.
 *
 * Why a rebuild and not an ALTER in `setUp`: tables of an older version can be wrong in ways
 * no ALTER repairs (the attendance tables keyed registrations by registration id alone, so
 * two events sharing one kept a single row, and the other row's history is gone). Only a
 * replay of the log gives the right rows, and a rebuild aside keeps the old tables serving
 * until the new ones are ready.
 */

const PREFIX = 'rollcall projection version ';

/** The version of the tables in `schema`; undefined when the schema does not exist. */
export const readSchemaVersion = async (client: pg.PoolClient, schema: string): Promise<number | undefined> => {
  const { rows } = await client.query<{ comment: string | null }>(
    "SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1",
    [schema],
  );
  const row = rows[0];
  if (!row) return undefined;
  return row.comment?.startsWith(PREFIX) ? Number(row.comment.slice(PREFIX.length)) : 1;
};

export const markSchemaVersion = async (client: pg.PoolClient, schema: string, version: number): Promise<void> => {
  // COMMENT takes no parameters; the version is a whole number this code chose.
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`A projection version is a positive whole number, not ${version}`);
  await client.query(`COMMENT ON SCHEMA ${schema} IS '${PREFIX}${version}'`);
};
