import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/test-app.js';
import { Outbox } from '../../commands/accounts/outbox.js';
import { accountStream } from '../../domain/streams.js';
import { type Projector, startProjector } from '../../projections/projector.js';
import { isUuid } from '../../uuid.js';
import { LOG_IN, PASSWORD, SIGN_UP, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/**
 * A sign-up with an address that has an account is answered as one with a new address, so
 * that nobody learns which addresses have accounts; the address's owner is told instead.
 */

let rollcall: TestApp;
let projector: Projector;

beforeAll(async () => {
  rollcall = await startAccountsApp();
  // For the read side to reach the positions sign-ups answer with.
  projector = await startProjector({ store: rollcall.store, pool: rollcall.db.pool, onFailure: (failure) => console.error('projection failed', failure) });
});
afterAll(async () => {
  await projector?.stop();
  await rollcall?.close();
});

const { ok, refusal, mailTo, logIn, anAttendee } = accountsClient(() => rollcall);

const INTRUDER_PASSWORD = 'an entirely different passphrase';
const ME = `query ($atPosition: String) { me(atPosition: $atPosition) { id } }`;

let addresses = 0;
const newAddress = () => `new-${++addresses}-${Date.now()}@example.org`;

/** The mail of `kind` the outbox holds for `to` now, without waiting for more. */
const mailedNow = async (to: string, kind: string) => (await new Outbox(rollcall.outboxDir).messages()).filter((m) => m.to === to && m.kind === kind);

describe('A sign-up with an address that has a verified account', () => {
  it('is answered as one with a new address: an account id that names no account, and a new position', async () => {
    const owner = await anAttendee();
    const fresh = (await ok(SIGN_UP, { email: newAddress(), password: PASSWORD, name: 'Fresh' })).signUp;
    const held = (await ok(SIGN_UP, { email: owner.email, password: INTRUDER_PASSWORD, name: 'Intruder' })).signUp;
    expect(Object.keys(held)).toEqual(Object.keys(fresh));
    expect(isUuid(held.accountId)).toBe(true);
    expect(BigInt(held.position)).toBeGreaterThan(BigInt(fresh.position));
    expect(await rollcall.store.readStream(accountStream(held.accountId))).toEqual([]);
  });

  it('answers with a position the read side reaches, as a new address\'s', async () => {
    const owner = await anAttendee();
    const fresh = (await ok(SIGN_UP, { email: newAddress(), password: PASSWORD, name: 'Fresh' })).signUp;
    const held = (await ok(SIGN_UP, { email: owner.email, password: INTRUDER_PASSWORD, name: 'Intruder' })).signUp;
    for (const { position } of [fresh, held]) expect((await ok(ME, { atPosition: position }, owner.session.accessToken)).me.id).toBe(owner.accountId);
  });

  it('mails the owner that someone tried, instead of a code, and at most once an hour', async () => {
    const owner = await anAttendee();
    await ok(SIGN_UP, { email: owner.email, password: INTRUDER_PASSWORD, name: 'Intruder' });
    const [notice] = await mailTo(owner.email, 'sign-up-attempt');
    expect(notice).toMatchObject({ subject: 'Someone tried to sign up to Rollcall with your address', token: '' });
    await ok(SIGN_UP, { email: owner.email, password: INTRUDER_PASSWORD, name: 'Intruder' });
    // Mail queued after the second attempt goes out after it: once it has, a second notice would have too.
    const later = newAddress();
    await ok(SIGN_UP, { email: later, password: PASSWORD, name: 'Later' });
    await mailTo(later, 'email-verification');
    expect(await mailedNow(owner.email, 'sign-up-attempt')).toHaveLength(1);
    expect(await mailedNow(owner.email, 'email-verification')).toHaveLength(1);
  });

  it('leaves the would-be account unable to log in, and the owner\'s password working', async () => {
    const owner = await anAttendee();
    await ok(SIGN_UP, { email: owner.email, password: INTRUDER_PASSWORD, name: 'Intruder' });
    expect((await refusal(LOG_IN, { email: owner.email, password: INTRUDER_PASSWORD })).code).toBe('UNAUTHENTICATED');
    expect((await logIn(owner.email)).account.id).toBe(owner.accountId);
  });

  it('answers a resend as it answered the first, and refuses its command id for another request, as for a new address', async () => {
    const owner = await anAttendee();
    for (const email of [owner.email, newAddress()]) {
      const variables = { email, password: INTRUDER_PASSWORD, name: 'Again', commandId: 'sign-up-again' };
      const first = (await ok(SIGN_UP, variables)).signUp;
      expect((await ok(SIGN_UP, variables)).signUp, email).toEqual(first);
      expect((await refusal(SIGN_UP, { ...variables, name: 'Someone else' })).code, email).toBe('IDEMPOTENCY_KEY_REUSED');
    }
  });
});

describe('A sign-up with an address whose account has not verified it yet', () => {
  it('is answered as one with a new address, and the address is told rather than sent a second code', async () => {
    const email = newAddress();
    const { accountId } = (await ok(SIGN_UP, { email, password: PASSWORD, name: 'First' })).signUp;
    await mailTo(email, 'email-verification');
    const held = (await ok(SIGN_UP, { email, password: INTRUDER_PASSWORD, name: 'Second' })).signUp;
    expect(held.accountId).not.toBe(accountId);
    expect(held.position).toMatch(/^\d+$/);
    expect(await mailTo(email, 'sign-up-attempt')).toHaveLength(1);
    expect(await mailedNow(email, 'email-verification')).toHaveLength(1);
  });
});
