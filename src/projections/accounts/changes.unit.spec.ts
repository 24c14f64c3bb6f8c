import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountStream, emailClaimStream } from '../../domain/streams.js';
import { ERASED } from '../../domain/personal-data.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { recordedEvent } from '../recorded-event.fixture.js';
import type { UnstorableValue } from '../stored-values.js';
import { accountChanges } from './changes.js';

const accountId = randomUUID();
const ofAccount = (type: string, data: object) => recordedEvent(accountStream(accountId), type, data);

const changesOf = (events: RecordedEvent[]) => {
  const warnings: UnstorableValue[] = [];
  return { changes: accountChanges(events, (w) => warnings.push(w)), warnings: warnings.map((w) => w.field) };
};

describe('the accounts read model', () => {
  it('signs an account up, verifies, grants, revokes and disables it, in order', () => {
    const { changes } = changesOf([
      ofAccount('AccountSignedUp', { accountId, email: 'ann@example.org', name: 'Ann', roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00Z' }),
      ofAccount('EmailVerified', {}),
      ofAccount('RoleGranted', { role: 'organizer', grantedBy: 'admin', grantedAt: '2026-05-02T00:00:00Z' }),
      ofAccount('RoleRevoked', { role: 'attendee', revokedBy: 'admin', revokedAt: '2026-05-03T00:00:00Z' }),
      ofAccount('AccountDisabled', { disabledBy: 'admin', disabledAt: '2026-05-04T00:00:00Z' }),
    ]);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'signed_up', accountId, email: 'ann@example.org', name: 'Ann', roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00.000Z' }),
      { kind: 'status', accountId, status: 'active' },
      { kind: 'role_granted', accountId, role: 'organizer' },
      { kind: 'role_revoked', accountId, role: 'attendee' },
      { kind: 'status', accountId, status: 'disabled' },
    ]);
  });

  it('shows an invited account as a sign-up waiting for verification, made when it was invited', () => {
    const { changes } = changesOf([
      ofAccount('AccountInvited', {
        accountId, email: 'bo@example.org', name: 'Bo', roles: ['attendee'], invitedBy: 'org', invitedAt: '2026-05-01T00:00:00Z', tokenHash: 'h', expiresAt: '2026-05-08T00:00:00Z',
      }),
      ofAccount('EmailVerified', {}),
    ]);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'signed_up', accountId, email: 'bo@example.org', name: 'Bo', roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00.000Z' }),
      { kind: 'status', accountId, status: 'active' },
    ]);
  });

  it('keeps nothing of an erased person: the erasure empties the row, and their sign-up replayed after it fills nothing in', () => {
    const { changes, warnings } = changesOf([
      ofAccount('AccountSignedUp', { accountId, email: ERASED, name: ERASED, roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00Z' }),
      ofAccount('PersonalDataErased', { erasedBy: accountId, erasedAt: '2026-05-02T00:00:00Z' }),
    ]);
    expect(changes).toEqual([expect.objectContaining({ kind: 'signed_up', email: null, name: null }), { kind: 'erased', accountId }]);
    expect(warnings).toEqual([]);
  });

  it('keeps a sign-up with values it cannot store as nulls, and reports each', () => {
    const { changes, warnings } = changesOf([ofAccount('AccountSignedUp', { accountId, email: 'a\u0000@example.org', name: 7, roles: 'admin', signedUpAt: '2026-02-30T00:00:00Z' })]);
    expect(changes).toEqual([expect.objectContaining({ email: null, name: null, roles: null, signedUpAt: null })]);
    expect(warnings).toEqual(['email', 'name', 'roles', 'signedUpAt']);
  });

  it('reports a second sign-up as skipped only when the writer finds the account there', () => {
    const warnings: string[] = [];
    const [change] = accountChanges([ofAccount('AccountSignedUp', { accountId, email: 'ann@example.org', name: 'Ann', roles: [], signedUpAt: '2026-05-01T00:00:00Z' })], (w) =>
      warnings.push(w.field),
    );
    expect(warnings).toEqual([]);
    if (change?.kind === 'signed_up') change.skip();
    expect(warnings).toEqual(['streamId']);
  });

  it('changes nothing for log-ins, address claims or other streams', () => {
    const { changes } = changesOf([
      ofAccount('LoggedIn', { at: '2026-05-01T00:00:00Z' }),
      recordedEvent(emailClaimStream('0'.repeat(64)), 'EmailClaimed', { accountId }),
      recordedEvent(`event-${randomUUID()}`, 'EventPublished', {}),
    ]);
    expect(changes).toEqual([]);
  });
});
