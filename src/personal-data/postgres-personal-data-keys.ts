import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { MasterKey } from '../security/master-key.js';
import { PersonErased, type PersonalDataKeys, type SubjectKey } from './personal-data-keys.js';

/**
 * How long a process goes on using a key it read before asking again: another process's
 * erasure takes effect here within this time. The erasing process forgets at once.
 */
export const KEY_CACHE_MS = 5_000;

/**
 * Keys in `rollcall.personal_data_keys`, each sealed under the master key (a database dump
 * alone opens nothing). Erasing sets the key to null and keeps the row as a tombstone.
 */
export class PostgresPersonalDataKeys implements PersonalDataKeys {
  private readonly cache = new Map<string, { value: SubjectKey; until: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly masterKey: MasterKey,
    private readonly options: { cacheMs?: number; clock?: () => number } = {},
  ) {}

  async keyFor(subjectId: string): Promise<Buffer> {
    let known = (await this.lookup([subjectId])).get(subjectId);
    if (!known) {
      // Two first uses racing both insert; the first one stored is everyone's key.
      await this.pool.query(
        `INSERT INTO rollcall.personal_data_keys (subject_id, sealed_key) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING`,
        [subjectId, this.seal(subjectId, randomBytes(32))],
      );
      known = (await this.lookup([subjectId])).get(subjectId);
    }
    if (!known || known.status === 'erased') throw new PersonErased(subjectId);
    return known.key;
  }

  async lookup(subjectIds: readonly string[]): Promise<Map<string, SubjectKey>> {
    const now = this.now();
    const found = new Map<string, SubjectKey>();
    const missing: string[] = [];
    for (const id of new Set(subjectIds)) {
      const cached = this.cache.get(id);
      if (cached && cached.until > now) found.set(id, cached.value);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const { rows } = await this.pool.query<{ subject_id: string; sealed_key: Buffer | null }>(
      `SELECT subject_id, sealed_key FROM rollcall.personal_data_keys WHERE subject_id = ANY($1::text[])`,
      [missing],
    );
    for (const row of rows) {
      const value: SubjectKey = row.sealed_key ? { status: 'live', key: this.open(row.subject_id, row.sealed_key) } : { status: 'erased' };
      // An erasure is forever, so it never needs asking again.
      this.cache.set(row.subject_id, { value, until: value.status === 'erased' ? Number.POSITIVE_INFINITY : now + (this.options.cacheMs ?? KEY_CACHE_MS) });
      found.set(row.subject_id, value);
    }
    return found;
  }

  async erase(subjectId: string, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO rollcall.personal_data_keys (subject_id, sealed_key, erased_at) VALUES ($1, NULL, $2)
       ON CONFLICT (subject_id) DO UPDATE SET sealed_key = NULL, erased_at = COALESCE(personal_data_keys.erased_at, EXCLUDED.erased_at)`,
      [subjectId, at],
    );
    this.cache.set(subjectId, { value: { status: 'erased' }, until: Number.POSITIVE_INFINITY });
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private seal(subjectId: string, key: Buffer): Buffer {
    return this.masterKey.seal(key, `personal-data-key:${subjectId}`);
  }

  private open(subjectId: string, sealed: Buffer): Buffer {
    return this.masterKey.open(sealed, `personal-data-key:${subjectId}`);
  }
}
