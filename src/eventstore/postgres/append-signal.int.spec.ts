import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { AppendSignal } from './append-signal.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

const signalConnections = async (): Promise<number> =>
  (
    await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'rollcall-signal' AND datname = current_database()`,
    )
  ).rows[0]!.n;

describe('the append signal', () => {
  it('leaves no connection open once closed, even when closed while its first signal still connects', async () => {
    const signal = new AppendSignal(db.url);
    signal.poke();
    await signal.close();
    // A connection opened after close() would show up here, and keep a CLI that appended from exiting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await signalConnections()).toBe(0);
  });
});
