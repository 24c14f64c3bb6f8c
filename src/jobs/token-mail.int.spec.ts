import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { AccountCommands } from '../commands/accounts/account-commands.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { type OutgoingMail, Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { CommandHandler } from '../commands/command-handler.js';
import { parseStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { MasterKey } from '../security/master-key.js';
import { Jobs } from './jobs.js';
import { mailJobs } from './job-runner.js';
import { type MailJobData, openMail } from './mailer.js';
import { MAIL_QUEUE } from './queues.js';
import { TOKEN_APPEND_GRACE_MS, TokenNotRecordedYet, tokenMailDue } from './token-mail.js';

let db: TestDatabase;
let store: EventStore;
let personalData: PersonalDataKeys;
let jobs: Jobs;
let outboxDir: string;
let accounts: (commands?: CommandHandler, at?: Date) => AccountCommands;
beforeAll(async () => {
  db = await createTestDatabase();
  ({ store, personalData } = personalDataStore(new PostgresEventStore({ pool: db.pool, connectionString: db.url }), db.pool, MasterKey.generate()));
  jobs = new Jobs(db.url);
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-token-mail-'));
  const tokens = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
  accounts = (commands = new CommandHandler(store), at?: Date) =>
    new AccountCommands({ commands, store, tokens, outbox: new Outbox(outboxDir), mail: mailJobs(jobs, personalData), personalData, claims: new EmailClaims(store, db.masterKey), ...(at ? { clock: () => at } : {}) });
});
afterAll(async () => {
  await jobs?.stop();
  await store?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const anonymous = (commandId: string) => ({ commandId, actor: undefined });
const password = 'long enough password';

/** The token mails queued to `to`, oldest first, as the mail worker would get them (and open them). */
const tokenMailsTo = async (to: string): Promise<{ data: MailJobData; message: OutgoingMail; createdOn: Date }[]> => {
  const { rows } = await db.pool.query<{ data: MailJobData; created_on: Date }>(
    `SELECT data, created_on FROM pgboss.job WHERE name = $1 AND data ? 'oneTimeToken' ORDER BY created_on`,
    [MAIL_QUEUE],
  );
  const opened = await Promise.all(rows.map(async (row) => ({ data: row.data, message: await openMail(personalData, row.data), createdOn: row.created_on })));
  return opened.flatMap(({ message, ...job }) => (message?.to === to ? [{ ...job, message }] : []));
};

/** What the mail worker decides for each queued mail at `now`: sent, dropped, or waiting for its append. */
const decisions = async (to: string, now: Date) => {
  const due = tokenMailDue(store, new EmailClaims(store, db.masterKey), () => now);
  return Promise.all(
    (await tokenMailsTo(to)).map(({ data, createdOn }) =>
      due(data.oneTimeToken!, createdOn).then(
        (send) => (send ? 'send' : 'drop'),
        (error: unknown) => (error instanceof TokenNotRecordedYet ? 'wait' : Promise.reject(error)),
      ),
    ),
  );
};

/** A command handler whose first command on a matching stream fails, as a crash before that append would. */
class CrashingOnce extends CommandHandler {
  private crashed = false;

  constructor(
    store: EventStore,
    private readonly on: (streamId: string) => boolean = (streamId) => parseStream(streamId).kind === 'account',
  ) {
    super(store);
  }

  override handle: CommandHandler['handle'] = (decider, streamId, command, context) => {
    if (!this.crashed && this.on(streamId)) {
      this.crashed = true;
      return Promise.reject(new Error('process died before the append'));
    }
    return super.handle(decider, streamId, command, context);
  };
}

describe('one-time token mail', () => {
  it('is queued before the append, so a sign-up that died in between and was resent mails its code once', async () => {
    const to = 'crash@example.org';
    const crashing = new CrashingOnce(store);
    await expect(accounts(crashing).signUps.signUp({ email: to, password, name: 'Cy' }, anonymous('signup-crash'))).rejects.toThrow('process died');
    await accounts(crashing).signUps.signUp({ email: to, password, name: 'Cy' }, anonymous('signup-crash'));

    const queued = await tokenMailsTo(to);
    expect(queued).toHaveLength(2);
    const soon = new Date(queued[1]!.createdOn.getTime() + 1_000);
    // The first attempt's code never reached the stream: it waits a while, then is dropped.
    expect(await decisions(to, soon)).toEqual(['wait', 'send']);
    expect(await decisions(to, new Date(soon.getTime() + TOKEN_APPEND_GRACE_MS))).toEqual(['drop', 'send']);
    // The code that goes out is the one the account accepts.
    const verified = await accounts().signUps.verifyEmail({ token: queued[1]!.message.token }, anonymous('verify-crash'));
    expect(verified.account.emailVerified).toBe(true);
  });

  it('goes out once for a sign-up resent after it was recorded, with the recorded code', async () => {
    const to = 'twice@example.org';
    await accounts().signUps.signUp({ email: to, password, name: 'Tia' }, anonymous('signup-twice'));
    await accounts().signUps.signUp({ email: to, password, name: 'Tia' }, anonymous('signup-twice'));
    const later = new Date(Date.now() + TOKEN_APPEND_GRACE_MS);
    expect(await decisions(to, later)).toEqual(['send', 'drop']);
  });

  it('waits while a sign-up has stored its account but not its claim, and goes out once a resend claims the address', async () => {
    const to = 'unclaimed@example.org';
    const crashing = new CrashingOnce(store, (streamId) => parseStream(streamId).kind === 'email-claim');
    await expect(accounts(crashing).signUps.signUp({ email: to, password, name: 'Una' }, anonymous('signup-unclaimed'))).rejects.toThrow('process died');
    const soon = new Date(Date.now() + 1_000);
    expect(await decisions(to, soon)).toEqual(['wait']);
    // Never claimed, the address may belong to someone else: the code never goes out.
    expect(await decisions(to, new Date(soon.getTime() + TOKEN_APPEND_GRACE_MS))).toEqual(['drop']);
    await accounts(crashing).signUps.signUp({ email: to, password, name: 'Una' }, anonymous('signup-unclaimed'));
    expect(await decisions(to, soon)).toEqual(['send', 'wait']);
  });

  it('is dropped for an account that lost its address to a takeover', async () => {
    const to = 'taken-over@example.org';
    const t0 = new Date('2030-03-01T09:00:00.000Z');
    await accounts(undefined, t0).signUps.signUp({ email: to, password, name: 'Old' }, anonymous('signup-old'));
    await accounts(undefined, new Date(t0.getTime() + 7 * 24 * 60 * 60_000)).signUps.signUp({ email: to, password, name: 'New' }, anonymous('signup-new'));
    expect(await decisions(to, new Date(Date.now() + TOKEN_APPEND_GRACE_MS))).toEqual(['drop', 'send']);
  });

  it('goes out for a new verification code, and the one before is dropped', async () => {
    const to = 'resend@example.org';
    await accounts().signUps.signUp({ email: to, password, name: 'Rae' }, anonymous('signup-resend'));
    await accounts().signUps.resendVerification({ email: to }, anonymous('resend-1'));
    const now = new Date(Date.now() + 1_000);
    expect(await decisions(to, now)).toEqual(['drop', 'send']);
    const [, resent] = await tokenMailsTo(to);
    await accounts().signUps.verifyEmail({ token: resent!.message.token }, anonymous('verify-resend'));
    // Verified: asking again queues nothing at all.
    await accounts().signUps.resendVerification({ email: to }, anonymous('resend-2'));
    expect(await tokenMailsTo(to)).toHaveLength(2);
  });

  it('is dropped once superseded by a newer reset code, or once the email is verified', async () => {
    const to = 'reset@example.org';
    const { accountId } = await accounts().signUps.signUp({ email: to, password, name: 'Rey' }, anonymous('signup-reset'));
    await accounts().passwordResets.requestPasswordReset({ email: to }, anonymous('reset-1'));
    await accounts().passwordResets.requestPasswordReset({ email: to }, anonymous('reset-2'));
    const now = new Date(Date.now() + 1_000);
    // Verification code, first reset code, second reset code.
    expect(await decisions(to, now)).toEqual(['send', 'drop', 'send']);
    const [verification] = await tokenMailsTo(to);
    await accounts().signUps.verifyEmail({ token: verification!.message.token }, anonymous('verify-reset'));
    expect(await decisions(to, now)).toEqual(['drop', 'drop', 'send']);
    expect((await tokenMailsTo(to)).every((mail) => mail.data.oneTimeToken!.accountId === accountId)).toBe(true);
  });
});
