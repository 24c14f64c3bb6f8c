import { AccountCommands, type AccountCommandsDependencies } from '../commands/accounts/account-commands.js';
import type { MailQueue, OutgoingMail, TokenMailSubject } from '../commands/accounts/outbox.js';
import { type Actor, type Role, SYSTEM } from '../domain/actor.js';
import type { AccountPlan } from './account-plan.js';

/**
 * The seed's people sign up, verify their address and get their roles through the real
 * account commands, while the events are replayed: a registration waits only for its own
 * attendee's account. Account commands read the time from their clock rather than from the
 * request, so each of the seed's sign-up lines has account commands of its own, whose clock
 * says the simulated moment of the command that line is sending.
 */

/** Where the verification codes go: straight to the people the seed plays, who use them at once; nothing is mailed. */
class CapturedMail implements MailQueue {
  private readonly tokens = new Map<string, string>();

  async enqueueTokenMail(message: OutgoingMail, subject: TokenMailSubject): Promise<void> {
    this.tokens.set(subject.accountId, message.token);
  }

  /** Only a sign-up with an address that has an account sends one: verification then finds no code and says so. */
  async enqueueNotice(): Promise<void> {}

  tokenOf(accountId: string, email: string): string {
    const token = this.tokens.get(accountId);
    if (!token) throw new Error(`No verification code came for ${email}: an account has this address already`);
    this.tokens.delete(accountId);
    return token;
  }
}

/** Enough to keep Argon2's four threads busy, which is what sign-ups wait on. */
const SIGN_UP_LINES = 8;

/** One line of sign-ups, one command at a time, each at its simulated moment. */
class SignUpLine {
  private moment: Date | undefined;
  private readonly accounts: AccountCommands;

  constructor(dependencies: Omit<AccountCommandsDependencies, 'clock'>) {
    this.accounts = new AccountCommands({
      ...dependencies,
      clock: () => {
        if (!this.moment) throw new Error('An account command of the seed ran outside its simulated moment');
        return this.moment;
      },
    });
  }

  async at<T>(time: number, command: (accounts: AccountCommands) => Promise<T>): Promise<T> {
    this.moment = new Date(time);
    try {
      return await command(this.accounts);
    } finally {
      this.moment = undefined;
    }
  }
}

/**
 * Every planned account, signed up in the order planned (the admin first, who grants the
 * others' roles; then organizers and door staff; then attendees by when they sign up), each
 * as the actor its access token would name: its id and roles.
 */
export class SeededAccounts {
  private readonly actors = new Map<string, Promise<Actor>>();
  private readonly settle = new Map<string, { resolve: (actor: Actor) => void; reject: (error: unknown) => void }>();
  /** Resolves once every account is made; rejects with the first failure. */
  readonly done: Promise<void>;

  constructor(
    dependencies: Omit<AccountCommandsDependencies, 'clock' | 'mail'>,
    private readonly plans: readonly AccountPlan[],
    private readonly password: string,
    /** Names each command after its parts, so that a resent one lands once. */
    private readonly commandId: (...parts: string[]) => string,
    signal: AbortSignal,
  ) {
    for (const { person } of plans) {
      const actor = new Promise<Actor>((resolve, reject) => this.settle.set(person.key, { resolve, reject }));
      // Whoever waits for this account hears of its failure; nobody need be waiting.
      actor.catch(() => undefined);
      this.actors.set(person.key, actor);
    }
    this.done = this.signUpEveryone(new CapturedMail(), dependencies, signal);
  }

  /** Every account's id by the simulation's name, once all are made. */
  async accountIds(): Promise<Map<string, string>> {
    await this.done;
    return new Map(await Promise.all([...this.actors].map(async ([key, actor]) => [key, (await actor).accountId] as const)));
  }

  actorOf(key: string): Promise<Actor> {
    return this.actors.get(key) ?? Promise.reject(new Error(`The seed planned no account for ${key}`));
  }

  private async signUpEveryone(mail: CapturedMail, dependencies: Omit<AccountCommandsDependencies, 'clock' | 'mail'>, signal: AbortSignal): Promise<void> {
    const lines = Array.from({ length: SIGN_UP_LINES }, () => new SignUpLine({ ...dependencies, mail }));
    let failure: unknown;
    try {
      const [admin, ...rest] = this.plans;
      const by = await this.signUp(lines[0]!, mail, admin!, SYSTEM);
      let next = 0;
      await Promise.all(
        lines.map(async (line) => {
          try {
            while (next < rest.length && !signal.aborted && failure === undefined) await this.signUp(line, mail, rest[next++]!, by);
          } catch (error) {
            failure ??= error;
          }
        }),
      );
    } catch (error) {
      failure ??= error;
    }
    failure ??= signal.aborted ? signal.reason : undefined;
    if (failure === undefined) return;
    // Nobody may wait for an account that will never come.
    for (const { reject } of this.settle.values()) reject(failure);
    throw failure;
  }

  private async signUp(line: SignUpLine, mail: CapturedMail, plan: AccountPlan, admin: Actor): Promise<Actor> {
    const { person } = plan;
    const { password, commandId } = this;
    const { accountId } = await line.at(plan.signUpAt, (accounts) =>
      accounts.signUps.signUp({ email: person.email, password, name: person.name }, { commandId: commandId('sign-up', person.key), actor: undefined }),
    );
    const token = mail.tokenOf(accountId, person.email);
    await line.at(plan.verifyAt, (accounts) => accounts.signUps.verifyEmail({ token }, { commandId: commandId('verify', person.key), actor: undefined }));
    const roles: Role[] = ['attendee'];
    for (const { role, at } of plan.roles) {
      // The admin's own role comes from the system, as `admin:create` gives it.
      const by = role === 'admin' ? SYSTEM : admin;
      await line.at(at, (accounts) => accounts.administration.grantRole({ accountId, role }, { commandId: commandId('grant', role, person.key), actor: by }));
      roles.push(role);
    }
    const actor = { accountId, roles };
    this.settle.get(person.key)!.resolve(actor);
    return actor;
  }
}
