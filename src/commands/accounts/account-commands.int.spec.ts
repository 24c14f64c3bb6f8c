import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { DomainError } from '../../domain/domain-error.js';
import { accountStream } from '../../domain/streams.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { CommandHandler } from '../command-handler.js';
import { AccountCommands } from './account-commands.js';
import { EmailClaims } from './email-claims.js';
import { MemoryPersonalDataKeys } from '../../personal-data/memory-personal-data-keys.js';
import { Outbox } from './outbox.js';
import { postgresSigningKeys } from './postgres-signing-keys.js';
import { TokenService } from './token-service.js';

let db: TestDatabase;
let store: PostgresEventStore;
let outboxDir: string;
let accounts: (handler?: CommandHandler) => AccountCommands;

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-accounts-'));
  const tokens = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
  accounts = (handler = new CommandHandler(store)) => new AccountCommands({ commands: handler, store, tokens, outbox: new Outbox(outboxDir), personalData: new MemoryPersonalDataKeys(), claims: new EmailClaims(store, db.masterKey) });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const anonymous = (commandId: string) => ({ commandId, actor: undefined });

describe('Accounts on the PostgreSQL store', () => {
  it('lets one of many concurrent sign-ups with one address win, across processes, and answers the others alike', async () => {
    // One handler per "process": no shared in-process queue, so the store's no_stream decides.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        accounts().signUps.signUp({ email: 'race@example.org', password: 'long enough password', name: `Racer ${i}` }, anonymous(`race-${i}`)),
      ),
    );
    const claims = await store.readStream(new EmailClaims(store, db.masterKey).streamOf('race@example.org'));
    expect(claims).toHaveLength(1);
    expect(answers.map((answer) => answer.accountId)).toContain(claims[0]!.data.accountId);
    for (const answer of answers) expect(answer.position).toBeDefined();
  });

  it('keeps only hashes of passwords and tokens in the events', async () => {
    const service = accounts();
    const { accountId } = await service.signUps.signUp({ email: 'secret@example.org', password: 'my secret password', name: 'S' }, anonymous('s-1'));
    const mail = (await new Outbox(outboxDir).messages()).find((m) => m.to === 'secret@example.org')!;
    await service.signUps.verifyEmail({ token: mail.token }, anonymous('s-2'));
    const session = await service.sessions.logIn({ email: 'secret@example.org', password: 'my secret password' }, anonymous('s-3'));
    const stored = JSON.stringify((await store.readStream(accountStream(accountId))).map((e) => e.data));
    for (const secret of ['my secret password', mail.token, session.refreshToken, session.refreshToken.split('.')[1]!])
      expect(stored).not.toContain(secret);
    expect(stored).toContain('$argon2id$');
  });

  it('creates a verified admin, and refuses a second one with the same address', async () => {
    const { accountId } = await accounts().createAdmin({ email: 'boss@example.org', password: 'long enough password', name: 'Boss' });
    const types = (await store.readStream(accountStream(accountId))).map((e) => e.type);
    expect(types).toEqual(['AccountSignedUp', 'EmailVerificationRequested', 'EmailVerified', 'RoleGranted']);
    const session = await accounts().sessions.logIn({ email: 'boss@example.org', password: 'long enough password' }, anonymous('b-1'));
    expect(session.account.roles).toEqual(['attendee', 'admin']);
    const again = accounts().createAdmin({ email: 'BOSS@example.org', password: 'long enough password', name: 'Boss 2' });
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses to hand out a session twice for one commandId', async () => {
    await accounts().createAdmin({ email: 'twice@example.org', password: 'long enough password', name: 'T' });
    const service = accounts();
    await service.sessions.logIn({ email: 'twice@example.org', password: 'long enough password' }, anonymous('login-1'));
    await expect(service.sessions.logIn({ email: 'twice@example.org', password: 'long enough password' }, anonymous('login-1'))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
