import type { Actor, Role } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type Account, type AccountEvent, type ExistingAccount, initialState, isExisting } from '../../domain/account/account.js';
import { type AccountCommand, accountDecider } from '../../domain/account/business-logic.js';
import { accountStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Position } from '../../eventstore/position.js';
import type { Trace } from '../../eventstore/trace.js';
import type { CommandContext, CommandHandler, CommandResult } from '../command-handler.js';
import type { EmailClaims } from './email-claims.js';
import type { MailQueue, OutgoingMail, Outbox } from './outbox.js';
import { accountToken, sha256 } from './secrets.js';
import { storedAccount } from './stored-accounts.js';

/** Who asks, and under which command id (a resent id takes effect once). */
export interface Request {
  commandId: string;
  actor: Actor | undefined;
  /** The fingerprint of the client's request (see `requestHash`); absent for the system's own commands. */
  requestHash?: string;
  /** Whether the client chose the command id, which binds it to this request everywhere. */
  keyedByClient?: boolean;
  /** The client's address as the server sees it, by which failed log-ins are also counted; absent for the system's own commands. */
  ip?: string;
  /** The request the command belongs to (the HTTP request's id), stamped on its events and its mail; the command id when absent. */
  correlationId?: string;
}

export interface AccountView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: boolean;
}

export const view = (account: ExistingAccount): AccountView => ({
  id: account.accountId,
  email: account.email,
  name: account.name,
  roles: [...account.roles],
  emailVerified: account.status !== 'unverified',
});

export const after = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

export const positionOf = (result: CommandResult<unknown, unknown>): Position => {
  // Every account command either appends or throws; no events would be a bug in its decider.
  if (!result.position) throw new Error('An account command appended nothing');
  return result.position;
};

export interface AccountStreamsDependencies {
  commands: CommandHandler;
  store: EventStore;
  outbox: Outbox;
  /** The `mail` job queue (retried, dead-lettered); without it mail is written straight to the outbox. */
  mail?: MailQueue;
  /** Which account holds an address. */
  claims: EmailClaims;
  clock?: () => Date;
}

/**
 * What every part of the account commands shares: an account command appended to its stream
 * under a request's ids, and a one-time token mailed around the append that records its hash.
 */
export class AccountStreams {
  readonly commands: CommandHandler;
  readonly store: EventStore;
  readonly outbox: Outbox;
  readonly mail: MailQueue | undefined;
  readonly claims: EmailClaims;
  readonly clock: () => Date;

  constructor(dependencies: AccountStreamsDependencies) {
    this.commands = dependencies.commands;
    this.store = dependencies.store;
    this.outbox = dependencies.outbox;
    this.mail = dependencies.mail;
    this.claims = dependencies.claims;
    this.clock = dependencies.clock ?? (() => new Date());
  }

  handle(accountId: string, context: CommandContext, command: AccountCommand): Promise<CommandResult<Account, AccountEvent>> {
    return this.commands.handle(accountDecider, accountStream(accountId), command, context);
  }

  context(request: Request, actorId: string, now: Date): CommandContext {
    return {
      commandId: request.commandId,
      actorId: request.actor?.accountId ?? actorId,
      correlationId: request.correlationId ?? request.commandId,
      causationId: request.commandId,
      now,
      requestHash: request.requestHash,
      keyedByClient: request.keyedByClient,
    };
  }

  /**
   * Mails a one-time token around the append that records its hash. With the job queue the
   * mail is queued first, keyed by the hash, and sent only once the hash is in the stream and
   * the account holds its address (a sign-up claims it right after): a crash between the two
   * loses no mail and a failed append sends none. A resent command (replayed) mails nothing
   * new: the first attempt's mail carries the recorded token.
   */
  async mailToken(
    accountId: string,
    mail: OutgoingMail,
    append: () => Promise<CommandResult<Account, AccountEvent>>,
    /** The command's, which the mail job carries on to its log lines. */
    trace: Trace,
  ): Promise<CommandResult<Account, AccountEvent>> {
    if (this.mail) {
      await this.mail.enqueueTokenMail(mail, { accountId, tokenHash: sha256(mail.token) }, trace);
      return append();
    }
    // The outbox without a queue is for tests and tools, where nothing crashes in between.
    const result = await append();
    if (!result.replayed) await this.outbox.send(mail, this.clock());
    return result;
  }

  /**
   * Mints a one-time token for the account that holds `email` and mails it, unless there is
   * no such account or its command would be refused (then nothing is queued either). Says
   * nothing either way, so that nobody learns which addresses have accounts.
   */
  async mailFreshToken(
    email: string,
    request: Request,
    tokenFor: (account: ExistingAccount, token: string, now: Date) => { mail: OutgoingMail; command: AccountCommand },
  ): Promise<void> {
    const accountId = await this.claims.holderOf(email);
    const account = accountId ? await storedAccount(this.store, accountId) : initialState();
    if (!accountId || !isExisting(account)) return;
    const now = this.clock();
    const { mail, command } = tokenFor(account, accountToken(accountId), now);
    try {
      accountDecider.decide(command, account);
      const context = this.context(request, accountId, now);
      await this.mailToken(accountId, mail, () => this.handle(accountId, context, command), context);
    } catch (error) {
      if (error instanceof DomainError) return; // disabled, or verified already: nothing to send
      throw error;
    }
  }
}
