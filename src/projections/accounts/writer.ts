import type pg from 'pg';
import type { AccountChange } from './changes.js';

/** Applies the accounts read model's changes in order, a statement each: accounts change rarely, so batching them buys nothing. */
export const writeChanges = async (client: pg.PoolClient, s: string, changes: readonly AccountChange[]): Promise<void> => {
  for (const change of changes) {
    switch (change.kind) {
      case 'signed_up': {
        const { rowCount } = await client.query(
          `INSERT INTO ${s}.accounts (account_id, email, name, roles, status, signed_up_at) VALUES ($1, $2, $3, $4, 'unverified', $5)
           ON CONFLICT (account_id) DO NOTHING`,
          [change.accountId, change.email, change.name, change.roles, change.signedUpAt],
        );
        if (rowCount === 0) change.skip();
        break;
      }
      case 'status':
        await client.query(`UPDATE ${s}.accounts SET status = $2 WHERE account_id = $1`, [change.accountId, change.status]);
        break;
      case 'erased':
        await client.query(`UPDATE ${s}.accounts SET email = NULL, name = NULL, status = 'erased' WHERE account_id = $1`, [change.accountId]);
        break;
      case 'role_granted':
        await client.query(`UPDATE ${s}.accounts SET roles = array_append(array_remove(roles, $2), $2) WHERE account_id = $1`, [change.accountId, change.role]);
        break;
      case 'role_revoked':
        await client.query(`UPDATE ${s}.accounts SET roles = array_remove(roles, $2) WHERE account_id = $1`, [change.accountId, change.role]);
        break;
      default: {
        const unknown: never = change;
        return unknown;
      }
    }
  }
};
