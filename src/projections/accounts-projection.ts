import type { AccountEvent } from '../domain/account/account.js';
import type { Projection } from './projection.js';
import { type Fields, fieldsOf, storedValues } from './stored-values.js';

/** Each account event with its data as the log may hold it. */
type StoredEvent = { [T in AccountEvent['type']]: { type: T; data: Fields<Extract<AccountEvent, { type: T }>['data']> } }[AccountEvent['type']];

/** Who has an account: name, email, roles and status, for `me`, search and admin views. Secrets stay in the stream. */
export const accountsProjection: Projection = {
  name: 'accounts',
  // 2: what an account event fills is nullable, so a value PostgreSQL cannot store is null instead of a failed batch.
  version: 2,
  tables: ['accounts'],
  async setUp(client, s) {
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.accounts (
        account_id text PRIMARY KEY,
        email text,
        name text,
        roles text[],
        status text NOT NULL,
        signed_up_at timestamptz
      );
      CREATE INDEX IF NOT EXISTS accounts_by_email ON ${s}.accounts (lower(email));`);
  },
  async apply(client, s, events, onUnstorable) {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('account-') || recorded.streamId.startsWith('account-email-')) continue;
      const v = storedValues(recorded, onUnstorable);
      const accountId = v.text(recorded.streamId.slice('account-'.length), 'streamId');
      if (accountId === null) continue;
      const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
      switch (event.type) {
        case 'AccountSignedUp': {
          const { email, name, roles, signedUpAt } = event.data;
          const { rowCount } = await client.query(
            `INSERT INTO ${s}.accounts (account_id, email, name, roles, status, signed_up_at) VALUES ($1, $2, $3, $4, 'unverified', $5)
             ON CONFLICT (account_id) DO NOTHING`,
            [accountId, v.indexedText(email, 'email'), v.text(name, 'name'), v.textList(roles, 'roles'), v.instant(signedUpAt, 'signedUpAt')],
          );
          if (rowCount === 0) v.skip('streamId', 'names an account that signed up before; the first sign-up stands');
          break;
        }
        case 'EmailVerified':
          await client.query(`UPDATE ${s}.accounts SET status = 'active' WHERE account_id = $1`, [accountId]);
          break;
        case 'AccountDisabled':
          await client.query(`UPDATE ${s}.accounts SET status = 'disabled' WHERE account_id = $1`, [accountId]);
          break;
        case 'RoleGranted':
        case 'RoleRevoked': {
          const role = v.text(event.data.role, 'role');
          if (role === null) break;
          await client.query(
            event.type === 'RoleGranted'
              ? `UPDATE ${s}.accounts SET roles = array_append(array_remove(roles, $2), $2) WHERE account_id = $1`
              : `UPDATE ${s}.accounts SET roles = array_remove(roles, $2) WHERE account_id = $1`,
            [accountId, role],
          );
          break;
        }
        default:
          // Log-ins, refresh rotations and resets change nothing this model shows.
          break;
      }
    }
  },
};
