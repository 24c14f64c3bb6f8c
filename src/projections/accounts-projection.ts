import type { AccountEvent } from '../domain/account/account.js';
import type { Projection } from './projection.js';

/** Who has an account: name, email, roles and status, for `me`, search and admin views. Secrets stay in the stream. */
export const accountsProjection: Projection = {
  name: 'accounts',
  tables: ['accounts'],
  async setUp(client, s) {
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.accounts (
        account_id text PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        roles text[] NOT NULL,
        status text NOT NULL,
        signed_up_at timestamptz NOT NULL
      );
      CREATE INDEX IF NOT EXISTS accounts_by_email ON ${s}.accounts (lower(email));`);
  },
  async apply(client, s, events) {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('account-') || recorded.streamId.startsWith('account-email-')) continue;
      const accountId = recorded.streamId.slice('account-'.length);
      const event = { type: recorded.type, data: recorded.data } as AccountEvent;
      switch (event.type) {
        case 'AccountSignedUp':
          await client.query(
            `INSERT INTO ${s}.accounts (account_id, email, name, roles, status, signed_up_at) VALUES ($1, $2, $3, $4, 'unverified', $5)`,
            [accountId, event.data.email, event.data.name, event.data.roles, event.data.signedUpAt],
          );
          break;
        case 'EmailVerified':
          await client.query(`UPDATE ${s}.accounts SET status = 'active' WHERE account_id = $1`, [accountId]);
          break;
        case 'AccountDisabled':
          await client.query(`UPDATE ${s}.accounts SET status = 'disabled' WHERE account_id = $1`, [accountId]);
          break;
        case 'RoleGranted':
          await client.query(
            `UPDATE ${s}.accounts SET roles = array_append(array_remove(roles, $2), $2) WHERE account_id = $1`,
            [accountId, event.data.role],
          );
          break;
        case 'RoleRevoked':
          await client.query(`UPDATE ${s}.accounts SET roles = array_remove(roles, $2) WHERE account_id = $1`, [accountId, event.data.role]);
          break;
        default:
          // Log-ins, refresh rotations and resets change nothing this model shows.
          break;
      }
    }
  },
};
