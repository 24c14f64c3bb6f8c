import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccountCommands } from '../commands/accounts/account-commands.js';
import type { MailQueue, OutgoingMail, TokenMailSubject } from '../commands/accounts/outbox.js';
import { type Actor, type Role, SYSTEM } from '../domain/actor.js';
import type { AccountPlan } from './account-plan.js';
import { eachAtMost } from './slots.js';

/**
 * The seed's people sign up, verify their address and get their roles through the real
 * account commands. Those read the time from their clock rather than from the request, so
 * the seed gives them a clock that answers the simulated moment of the call in hand.
 */

const moment = new AsyncLocalStorage<Date>();

/** The account commands' clock while the seed runs them. */
export const simulatedClock = (): Date => {
  const at = moment.getStore();
  if (!at) throw new Error('An account command of the seed ran outside its simulated moment');
  return at;
};

const at = <T>(time: number, work: () => Promise<T>): Promise<T> => moment.run(new Date(time), work);

/** Where the verification codes go: straight to the people the seed plays, who use them at once; nothing is mailed. */
export class CapturedMail implements MailQueue {
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
const SIGN_UPS_AT_ONCE = 16;

/**
 * Every planned account, the admin's first (it grants the others' roles), as the actor its
 * access token would name: its id and roles. `commandId` names each command after its parts.
 */
export const seedAccounts = async (
  accounts: AccountCommands,
  mail: CapturedMail,
  plans: readonly AccountPlan[],
  password: string,
  commandId: (...parts: string[]) => string,
  signal: AbortSignal,
): Promise<Map<string, Actor>> => {
  const actors = new Map<string, Actor>();
  const settle = async (plan: AccountPlan, admin: Actor) => {
    if (signal.aborted) return;
    const { person } = plan;
    const { accountId } = await at(plan.signUpAt, () =>
      accounts.signUps.signUp({ email: person.email, password, name: person.name }, { commandId: commandId('sign-up', person.key), actor: undefined }),
    );
    const token = mail.tokenOf(accountId, person.email);
    await at(plan.verifyAt, () => accounts.signUps.verifyEmail({ token }, { commandId: commandId('verify', person.key), actor: undefined }));
    const roles: Role[] = ['attendee'];
    for (const { role, at: grantedAt } of plan.roles) {
      // The admin's own role comes from the system, as `admin:create` gives it.
      const by = role === 'admin' ? SYSTEM : admin;
      await at(grantedAt, () => accounts.administration.grantRole({ accountId, role }, { commandId: commandId('grant', role, person.key), actor: by }));
      roles.push(role);
    }
    actors.set(person.key, { accountId, roles });
  };
  const [adminPlan, ...rest] = plans;
  await settle(adminPlan!, SYSTEM);
  const admin = actors.get(adminPlan!.person.key)!;
  await eachAtMost(SIGN_UPS_AT_ONCE, rest, (plan) => settle(plan, admin));
  return actors;
};
