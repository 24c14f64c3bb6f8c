import type pg from 'pg';
import { LIVE_ACCOUNTS } from './tables.js';

/** The signed-in account as `me` shows it; null before the read model has it. */
export const accountView = async (db: pg.Pool | pg.PoolClient, accountId: string) => {
  const { rows } = await db.query(`SELECT * FROM ${LIVE_ACCOUNTS} WHERE account_id = $1`, [accountId]);
  const row = rows[0];
  return row ? { id: row.account_id, email: row.email, name: row.name, roles: row.roles, emailVerified: row.status !== 'unverified' } : null;
};
