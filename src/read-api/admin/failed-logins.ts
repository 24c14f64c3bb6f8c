import type pg from 'pg';
import type { FailedLogInReason } from '../../commands/accounts/login-guard.js';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../../projections/pages.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireAdmin } from '../read-models.js';

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
const FAILED_LOGINS_PAGE = 50;

const typeDefs = /* GraphQL */ `
  "A guess (wrong_password, unknown_account), or a log-in refused unchecked: its address was locked out (locked), or its network failed too often (ip_limited)."
  enum FailedLoginReason {
    wrong_password
    unknown_account
    locked
    ip_limited
  }

  "A log-in that failed or was refused, kept 30 days; the password tried is never kept."
  type FailedLogin {
    at: String!
    "The account its email address belongs to; null for an address without one."
    accountId: ID
    "The same for every log-in with one email address, account or not; the address cannot be read back from it."
    addressKey: String!
    "The client's address as the API saw it."
    ip: String!
    reason: FailedLoginReason!
  }

  type FailedLoginConnection {
    nodes: [FailedLogin!]!
    pageInfo: PageInfo!
  }

  type LoginLockout {
    "Failed log-ins with the account's address since its last good one (forgotten after 12 quiet hours)."
    failures: Int!
    "Until when log-ins with the address are refused without a password check (ISO-8601); null when they are not."
    lockedUntil: String
  }

  extend type Query {
    "Admins only: failed and refused log-ins, newest first; with accountId, those with that account's address."
    failedLogins(accountId: ID, first: Int = ${FAILED_LOGINS_PAGE}, after: String): FailedLoginConnection!
    "Admins only: where the account's address stands with the log-in lockout (unlockLogIn lifts it)."
    loginLockout(accountId: ID!): LoginLockout!
  }
`;

export interface FailedLogin {
  at: string;
  accountId: string | null;
  addressKey: string;
  ip: string;
  reason: FailedLogInReason;
}

/** The failed log-ins LogInGuard records, newest first, paged by their id. */
export const readFailedLogins = async (pool: pg.Pool, filter: PageArgs & { accountId?: string | null }): Promise<Page<FailedLogin>> => {
  const size = pageSize(filter.first, FAILED_LOGINS_PAGE);
  const { rows } = await pool.query<{ id: string; at: Date; account_id: string | null; address_key: string; ip: string; reason: FailedLogInReason }>(
    `SELECT id, at, account_id, address_key, ip, reason FROM rollcall.failed_logins
      WHERE ($1::text IS NULL OR account_id = $1) AND ($2::bigint IS NULL OR id < $2)
      ORDER BY id DESC LIMIT $3`,
    [filter.accountId ?? null, decodeCursor(filter.after), size + 1],
  );
  return paged(rows, size, (row) => String(row.id), (row) => ({
    at: row.at.toISOString(),
    accountId: row.account_id,
    addressKey: row.address_key,
    ip: row.ip,
    reason: row.reason,
  }));
};

const Query: QueryResolvers = {
  failedLogins: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return readFailedLogins(ctx.app.pool, args);
  },
  loginLockout: async (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    const { failures, lockedUntil } = await ctx.app.accounts.administration.logInLockout({ accountId: args.accountId });
    return { failures, lockedUntil: lockedUntil?.toISOString() ?? null };
  },
};

/** Failed log-ins and the lockouts they cause (LogInGuard's, after Keycloak's brute-force detection). */
export const failedLogins: GraphqlModule = { typeDefs, resolvers: { Query } };
