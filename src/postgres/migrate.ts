import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADVISORY_LOCK } from './advisory-locks.js';
import { grantAppRole } from './app-role.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../infra/migrations/', import.meta.url));

/** PostgreSQL's insufficient_privilege. */
const PERMISSION_DENIED = '42501';

const ownerHint = (error: unknown): string =>
  (error as { code?: string }).code === PERMISSION_DENIED ? ' (migrations run as the owner: set DATABASE_OWNER_URL)' : '';

/**
 * Applies the SQL files of infra/migrations in name order, each once, each in its own
 * transaction, as the role `pool` connects as, which owns what they create; `through` stops
 * after the file of that name (how a test sets up the tables a migration then converts).
 * With `appRole`, then grants that role what the app needs (see app-role.ts).
 */
export const migrate = async (pool: pg.Pool, { through, appRole }: { through?: string; appRole?: string } = {}): Promise<string[]> => {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql') && (through === undefined || f <= through)).sort();
  const client = await pool.connect();
  try {
    // Several processes may start at once against one database; the grants too, which would
    // otherwise fail with "tuple concurrently updated".
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.migrations]);
    // Asked first: a role without CREATE on `public` (the app role) may not even try CREATE … IF NOT EXISTS.
    const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('public.rollcall_migrations') IS NOT NULL AS exists`);
    if (!rows[0]!.exists)
      await client
        .query(`CREATE TABLE IF NOT EXISTS public.rollcall_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
        .catch((error: unknown) => {
          throw new Error(`Creating public.rollcall_migrations failed: ${(error as Error).message}${ownerHint(error)}`, { cause: error });
        });
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM public.rollcall_migrations')).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    for (const file of files.filter((f) => !done.has(f))) {
      const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO public.rollcall_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${file} failed: ${(error as Error).message}${ownerHint(error)}`, { cause: error });
      }
      applied.push(file);
    }
    if (appRole) {
      await client.query('BEGIN');
      try {
        await grantAppRole(client, appRole);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Granting ${appRole} its rights failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.migrations]).catch(() => undefined);
    client.release();
  }
};

/**
 * Migrates the database `pool` works on as the owner, `ownerUrl`, who then grants `pool`'s role
 * what it needs. Without an owner URL (or with one for the same role) `pool`'s own role runs
 * the migrations and owns everything: the app then works with the owner's rights, and only
 * the trigger on rollcall.events keeps the log append-only.
 */
export const migrateAsOwner = async (pool: pg.Pool, ownerUrl: string | undefined): Promise<string[]> => {
  if (!ownerUrl) return migrate(pool);
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1, application_name: 'rollcall-migrations' });
  // A dropped idle connection must not end the process; the next query reports it.
  owner.on('error', () => undefined);
  try {
    const roleOf = async (db: pg.Pool) => (await db.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
    const [appRole, ownerRole] = await Promise.all([roleOf(pool), roleOf(owner)]);
    return await migrate(owner, appRole === ownerRole ? {} : { appRole });
  } finally {
    await owner.end();
  }
};
