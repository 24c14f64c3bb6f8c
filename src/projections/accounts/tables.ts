import { liveSchema } from '../runner.js';

/** Who has an account: name, email, roles and status, for `me`, search and admin views. Secrets stay in the stream. */

export const ACCOUNTS = 'accounts';

/**
 * The live table. Only this folder's queries read it, and the attendance queries that list
 * people with their names and addresses, which join it through this name: a search by name
 * must filter and page in one statement.
 */
export const LIVE_ACCOUNTS = `${liveSchema(ACCOUNTS)}.accounts`;

export const TABLES = ['accounts'] as const;

/** 2: what an account event fills is nullable, so a value PostgreSQL cannot store is null instead of a failed batch. */
export const VERSION = 2;

export const createTables = (s: string): string => `
  CREATE TABLE IF NOT EXISTS ${s}.accounts (
    account_id text PRIMARY KEY,
    email text,
    name text,
    roles text[],
    status text NOT NULL,
    signed_up_at timestamptz
  );
  CREATE INDEX IF NOT EXISTS accounts_by_email ON ${s}.accounts (lower(email));`;
