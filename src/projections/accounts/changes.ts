import type { AccountEvent } from '../../domain/account/account.js';
import { decode } from '../../domain/decode.js';
import { ERASED } from '../../domain/personal-data.js';
import { parseStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type Fields, type OnUnstorable, fieldsOf, storedValues } from '../stored-values.js';

/** The accounts read model's pure step: each account event as the change it makes to its row, in order. */

/** Each account event with its data as the log may hold it. */
type StoredEvent = { [T in AccountEvent['type']]: { type: T; data: Fields<Extract<AccountEvent, { type: T }>['data']> } }[AccountEvent['type']];

export type AccountChange =
  | {
      kind: 'signed_up';
      accountId: string;
      email: string | null;
      name: string | null;
      roles: string[] | null;
      signedUpAt: string | null;
      /** Reports the sign-up as left out, when the account signed up before: the first sign-up stands. */
      skip: () => void;
    }
  | { kind: 'status'; accountId: string; status: 'active' | 'disabled' }
  /** Its email and name are gone from the row; only the id and the fact of erasure stay. */
  | { kind: 'erased'; accountId: string }
  | { kind: 'role_granted' | 'role_revoked'; accountId: string; role: string };

/** The types this read model reads; log-ins, refresh rotations and resets change nothing it shows. */
export const ACCOUNT_EVENT_TYPES = ['AccountSignedUp', 'AccountInvited', 'EmailVerified', 'AccountDisabled', 'RoleGranted', 'RoleRevoked', 'PersonalDataErased'] as const satisfies readonly AccountEvent['type'][];

export const accountChanges = (events: readonly RecordedEvent[], onUnstorable: OnUnstorable): AccountChange[] =>
  events.flatMap((recorded): AccountChange[] => {
    const stream = parseStream(recorded.streamId);
    if (stream.kind !== 'account') return [];
    const v = storedValues(recorded, onUnstorable);
    const accountId = v.text(stream.accountId, 'streamId');
    if (accountId === null) return [];
    const { type, data } = decode(recorded);
    const event = { type, data: fieldsOf(data) } as StoredEvent;
    switch (event.type) {
      // An invited account is shown as a sign-up waiting for its address to be verified, since
      // it is one: reminders and tickets reach it, and its row says when it was made.
      case 'AccountSignedUp':
      case 'AccountInvited': {
        const { email, name, roles } = event.data;
        const signedUpAt = event.type === 'AccountSignedUp' ? event.data.signedUpAt : event.data.invitedAt;
        return [
          {
            kind: 'signed_up',
            accountId,
            // An erased person's sign-up, replayed, reads as erased: the row keeps nothing of it.
            email: email === ERASED ? null : v.indexedText(email, 'email'),
            name: name === ERASED ? null : v.text(name, 'name'),
            roles: v.textList(roles, 'roles'),
            signedUpAt: v.instant(signedUpAt, 'signedUpAt'),
            skip: () => v.skip('streamId', 'names an account that signed up before; the first sign-up stands'),
          },
        ];
      }
      case 'EmailVerified':
        return [{ kind: 'status', accountId, status: 'active' }];
      case 'AccountDisabled':
        return [{ kind: 'status', accountId, status: 'disabled' }];
      case 'PersonalDataErased':
        return [{ kind: 'erased', accountId }];
      case 'RoleGranted':
      case 'RoleRevoked': {
        const role = v.text(event.data.role, 'role');
        return role === null ? [] : [{ kind: event.type === 'RoleGranted' ? 'role_granted' : 'role_revoked', accountId, role }];
      }
      default:
        return [];
    }
  });
