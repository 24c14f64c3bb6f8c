import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import type { AccountEvent } from '../../domain/account/account.js';
import type { DomainEvent } from '../../domain/decider.js';
import { accountStream, parseStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { CommandHandler } from '../command-handler.js';
import { AccountCommands } from './account-commands.js';
import { Outbox } from './outbox.js';
import { EmailClaims } from './email-claims.js';
import { storedAccount } from './stored-accounts.js';
import { MemoryPersonalDataKeys } from '../../personal-data/memory-personal-data-keys.js';
import { postgresSigningKeys } from './postgres-signing-keys.js';
import { TokenService } from './token-service.js';

let db: TestDatabase;
let store: PostgresEventStore;
let outbox: Outbox;
let tokens: TokenService;
const personalData = new MemoryPersonalDataKeys();
const claimsOn = (eventStore: EventStore = store) => new EmailClaims(eventStore, db.masterKey);

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  outbox = new Outbox(await mkdtemp(path.join(tmpdir(), 'rollcall-claims-')));
  tokens = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
});
afterAll(async () => {
  await store?.close();
  await db?.close();
  if (outbox) await rm(outbox.directory, { recursive: true, force: true });
});

const t0 = new Date('2030-03-01T09:00:00.000Z');
const days = (n: number) => new Date(t0.getTime() + n * 24 * 60 * 60_000);

/** The account side of one process (its own command handler), on `eventStore`, at the time `at`. */
const accounts = (at = new Date(), eventStore: EventStore = store) =>
  new AccountCommands({ commands: new CommandHandler(eventStore), store: eventStore, tokens, outbox, personalData, claims: claimsOn(eventStore), clock: () => at });

const anonymous = (commandId: string) => ({ commandId, actor: undefined });
const password = 'long enough password';

/** The store, except that each append first waits for `before` (given the stream and how many appends came before), and fails if it fails. */
const intercepting = (before: (streamId: string, appendsBefore: number) => Promise<void>): EventStore => {
  let appends = 0;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append')
        return async (...args: Parameters<EventStore['append']>) => {
          await before(args[0], appends++);
          return target.append(...args);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

/** As a lost connection between a sign-up's two appends would, whichever stream comes second. */
const failingSecondAppend = () =>
  intercepting(async (_streamId, appendsBefore) => {
    if (appendsBefore === 1) throw new Error('connection lost between the two appends');
  });

/** A store whose first append to an address's claim is held back, once it has been decided, until `release`. */
const holdingFirstClaim = () => {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const holding = intercepting(async (streamId) => {
    if (held || parseStream(streamId).kind !== 'email-claim') return;
    held = true;
    arrive();
    await released;
  });
  return { store: holding, arrived, release };
};

/** The last verification token mailed to `to`. */
const tokenMailedTo = async (to: string): Promise<string> => {
  const mails = (await outbox.messages()).filter((m) => m.to === to && m.kind === 'email-verification');
  return mails.at(-1)!.token;
};

const signUp = (email: string, commandId: string, at = new Date()) =>
  accounts(at).signUps.signUp({ email, password, name: 'Someone' }, anonymous(commandId));

/** Signs up, verifies and logs in, as the owner of `email` would. */
const ownerSignsUp = async (email: string, at = new Date()) => {
  const { accountId } = await signUp(email, `owner-${randomUUID()}`, at);
  await accounts(at).signUps.verifyEmail({ token: await tokenMailedTo(email) }, anonymous(randomUUID()));
  const session = await accounts(at).sessions.logIn({ email, password }, anonymous(randomUUID()));
  expect(session.account.id).toBe(accountId);
  return accountId;
};

/** Appends events as an earlier version of Rollcall wrote them, in schema version 1. */
const writtenBefore = (streamId: string, events: DomainEvent[]) =>
  store.append(
    streamId,
    events.map((event) => ({
      id: randomUUID(),
      ...event,
      metadata: { correlationId: 'old', causationId: 'old', actorId: 'old', commandId: randomUUID(), occurredAt: t0.toISOString(), schemaVersion: 1 },
    })),
    'any',
  );

const oldAccount = (accountId: string, email: string, verified: boolean): AccountEvent[] => [
  { type: 'AccountSignedUp', data: { accountId, email, name: 'Old', passwordHash: 'scrypt$x', roles: ['attendee'], signedUpAt: t0.toISOString() } },
  ...(verified ? [{ type: 'EmailVerified', data: { verifiedAt: t0.toISOString() } } as AccountEvent] : []),
];
/** An `EmailClaimed` of schema version 1: no expiry. */
const oldClaim = (accountId: string): DomainEvent[] => [{ type: 'EmailClaimed', data: { accountId, claimedAt: t0.toISOString() } }];

describe('A sign-up cut short between its two appends', () => {
  const cutShort = async (email: string, commandId: string) => {
    await expect(accounts(new Date(), failingSecondAppend()).signUps.signUp({ email, password, name: 'Cut' }, anonymous(commandId))).rejects.toThrow(
      'connection lost',
    );
  };

  it('completes when resent with the same commandId, on the account the first attempt stored', async () => {
    const email = 'same-id@example.org';
    await cutShort(email, 'cut-1');
    const { accountId } = await signUp(email, 'cut-1');
    expect((await store.readStream(accountStream(accountId))).map((e) => e.type)).toEqual(['AccountSignedUp', 'EmailVerificationRequested']);
    expect(await claimsOn().holderOf(email)).toBe(accountId);
    // Without the mail queue nothing was mailed by the attempt cut short; a new code completes it.
    await accounts().signUps.resendVerification({ email }, anonymous('cut-1-resend'));
    await accounts().signUps.verifyEmail({ token: await tokenMailedTo(email) }, anonymous('cut-1-verify'));
    expect((await accounts().sessions.logIn({ email, password }, anonymous('cut-1-log-in'))).account.id).toBe(accountId);
  });

  it('leaves the address to a retry with a new commandId', async () => {
    await cutShort('new-id@example.org', 'cut-2');
    const { accountId } = await signUp('new-id@example.org', 'cut-2-again');
    expect(await claimsOn().holderOf('new-id@example.org')).toBe(accountId);
  });

  it('leaves the address to its owner, who signs up, verifies and logs in', async () => {
    await cutShort('owner@example.org', 'cut-3');
    await ownerSignsUp('owner@example.org');
  });
});

describe('A sign-up with what no stream can hold', () => {
  // Straight to the command side, past the API's own checks: the decider alone must refuse it.
  it.each([
    ['a lone surrogate in the name', { email: 'victim@example.org', name: 'x\uD800' }, 'victim@example.org'],
    ['a NUL in the email', { email: 'victim-2@example.org\u0000', name: 'X' }, 'victim-2@example.org'],
  ])('is refused for %s before anything is stored, and the owner signs up', async (_case, input, owner) => {
    const before = (await store.readAll()).length;
    await expect(accounts().signUps.signUp({ ...input, password }, anonymous(randomUUID()))).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await store.readAll()).length).toBe(before);
    await ownerSignsUp(owner);
  });
});

describe('A claim whose account never verified', () => {
  it('is stored in schema version 2, with the time it lapses', async () => {
    const email = 'current@example.org';
    const { accountId } = await signUp(email, 'current-1', t0);
    const [claimed] = await store.readStream(claimsOn().streamOf(email));
    expect(claimed).toMatchObject({ type: 'EmailClaimed', data: { accountId, expiresAt: days(7).toISOString() }, metadata: { schemaVersion: 2 } });
  });

  it('holds the address for 7 days, then lets a sign-up take it over', async () => {
    const email = 'lapsing@example.org';
    const { accountId: first } = await signUp(email, 'lapse-1', t0);
    await signUp(email, 'lapse-2', days(6.9));
    expect(await claimsOn().holderOf(email)).toBe(first);
    const { accountId: second } = await signUp(email, 'lapse-3', days(7));
    expect(await claimsOn().holderOf(email)).toBe(second);
    expect((await storedAccount(store, first)).status).toBe('unverified');
  });

  it('leaves the account that lost it unable to verify or log in, and lets the new holder in', async () => {
    const email = 'lost@example.org';
    const { accountId: first } = await signUp(email, 'lost-1', t0);
    // A fresh token just before the claim lapses: still valid after the takeover.
    await accounts(days(6.9)).signUps.resendVerification({ email }, anonymous('lost-resend'));
    const firstToken = await tokenMailedTo(email);
    const { accountId: second } = await signUp(email, 'lost-2', days(7));
    await expect(accounts(days(7)).signUps.verifyEmail({ token: firstToken }, anonymous('lost-verify'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/no longer holds/),
    });
    expect((await storedAccount(store, first)).status).toBe('unverified');
    await accounts(days(7)).signUps.verifyEmail({ token: await tokenMailedTo(email) }, anonymous('lost-verify-2'));
    expect((await accounts(days(7)).sessions.logIn({ email, password }, anonymous('lost-log-in'))).account.id).toBe(second);
  });

  it('never lapses once verified', async () => {
    const email = 'kept@example.org';
    const owner = await ownerSignsUp(email, t0);
    await signUp(email, 'kept-2', days(365));
    expect(await claimsOn().claimOf(email)).toMatchObject({ accountId: owner, confirmed: true });
  });

  /** An account whose claim lapses at days(7), with a verification token still valid then. */
  const lapsingWithToken = async (email: string) => {
    const { accountId } = await signUp(email, `${email}-1`, t0);
    await accounts(days(6.9)).signUps.resendVerification({ email }, anonymous(`${email}-resend`));
    return { accountId, token: await tokenMailedTo(email) };
  };

  // Each on a handler of its own, as two processes: only the claim stream's revision decides.
  it('refuses a takeover that a verification beats to the claim', async () => {
    const email = 'verify-first@example.org';
    const holder = await lapsingWithToken(email);
    const takeover = holdingFirstClaim();
    const taking = accounts(days(7), takeover.store).signUps.signUp({ email, password, name: 'Late' }, anonymous('verify-first-2'));
    await takeover.arrived;
    await accounts(days(7)).signUps.verifyEmail({ token: holder.token }, anonymous('verify-first-verify'));
    takeover.release();
    await taking;
    expect(await claimsOn().claimOf(email)).toMatchObject({ accountId: holder.accountId, confirmed: true });
  });

  it('refuses a verification that a takeover beats to the claim', async () => {
    const email = 'takeover-first@example.org';
    const holder = await lapsingWithToken(email);
    const verification = holdingFirstClaim();
    const verifying = accounts(days(7), verification.store).signUps.verifyEmail({ token: holder.token }, anonymous('takeover-first-verify'));
    await verification.arrived;
    const { accountId: taker } = await signUp(email, 'takeover-first-2', days(7));
    verification.release();
    await expect(verifying).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await claimsOn().claimOf(email)).toMatchObject({ accountId: taker, confirmed: false });
    expect((await storedAccount(store, holder.accountId)).status).toBe('unverified');
  });
});

describe('A claim written in schema version 1, before claims lapsed (no expiry, never confirmed)', () => {
  it('folds to a claim that lapses 7 days after it was made', async () => {
    const [email, accountId] = ['old-folded@example.org', randomUUID()];
    await writtenBefore(claimsOn().streamOf(email), oldClaim(accountId));
    expect(await claimsOn().claimOf(email)).toEqual({ status: 'claimed', accountId, expiresAt: days(7).toISOString(), confirmed: false });
  });

  it('never lapses when its account verified', async () => {
    const [email, accountId] = ['old-verified@example.org', randomUUID()];
    await writtenBefore(accountStream(accountId), oldAccount(accountId, email, true));
    await writtenBefore(claimsOn().streamOf(email), oldClaim(accountId));
    await signUp(email, 'old-verified-2', days(365));
    expect(await claimsOn().holderOf(email)).toBe(accountId);
  });

  it('lapses 7 days after it was made when its account never verified', async () => {
    const [email, accountId] = ['old-unverified@example.org', randomUUID()];
    await writtenBefore(accountStream(accountId), oldAccount(accountId, email, false));
    await writtenBefore(claimsOn().streamOf(email), oldClaim(accountId));
    await signUp(email, 'old-unverified-2', days(6));
    expect(await claimsOn().holderOf(email)).toBe(accountId);
    const { accountId: taker } = await signUp(email, 'old-unverified-3', days(7));
    expect(await claimsOn().holderOf(email)).toBe(taker);
  });

  it('frees the address at once when its account was never stored, as the sign-ups of finding 5 left it', async () => {
    const email = 'locked-out@example.org';
    await writtenBefore(claimsOn().streamOf(email), oldClaim(randomUUID()));
    await ownerSignsUp(email, t0);
  });
});
