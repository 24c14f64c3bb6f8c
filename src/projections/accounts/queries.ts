import type pg from 'pg';
import { LIVE_ACCOUNTS } from './tables.js';

/** The signed-in account as `me` shows it; null before the read model has it. */
export const accountView = async (db: pg.Pool | pg.PoolClient, accountId: string) => {
  const { rows } = await db.query(`SELECT * FROM ${LIVE_ACCOUNTS} WHERE account_id = $1`, [accountId]);
  const row = rows[0];
  return row ? { id: row.account_id, email: row.email, name: row.name, roles: row.roles, emailVerified: row.status !== 'unverified' } : null;
};

/** What the accounts read model knows of these accounts' standing; an account it does not have yet is absent. */
export const accountStandings = async (db: pg.Pool | pg.PoolClient, accountIds: readonly string[]): Promise<Map<string, { roles: string[]; status: string }>> => {
  const { rows } = await db.query<{ account_id: string; roles: string[] | null; status: string }>(
    `SELECT account_id, roles, status FROM ${LIVE_ACCOUNTS} WHERE account_id = ANY($1::text[])`,
    [[...new Set(accountIds)]],
  );
  return new Map(rows.map((row) => [row.account_id, { roles: row.roles ?? [], status: row.status }]));
};
