import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { ADVISORY_LOCK } from './advisory-locks.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../infra/migrations/', import.meta.url));

/**
 * Applies the SQL files of infra/migrations in name order, each once, each in its own
 * transaction; `through` stops after the file of that name (how a test sets up the tables
 * a migration then converts).
 */
export const migrate = async (pool: pg.Pool, { through }: { through?: string } = {}): Promise<string[]> => {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql') && (through === undefined || f <= through)).sort();
  const client = await pool.connect();
  try {
    // Several processes may start at once against one database.
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.migrations]);
    await client.query(`CREATE TABLE IF NOT EXISTS public.rollcall_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
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
        throw new Error(`Migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.migrations]).catch(() => undefined);
    client.release();
  }
};
