import { randomUUID } from 'node:crypto';
import { type Actor, SYSTEM } from '../../domain/actor.js';
import type { PersonalDataKeys } from '../../personal-data/personal-data-keys.js';
import { AccountAdministration } from './account-administration.js';
import { AccountStreams, type AccountStreamsDependencies } from './account-streams.js';
import { Erasures } from './erasures.js';
import { Invitations } from './invitations.js';
import type { LogInGuard } from './login-guard.js';
import { PasswordResets } from './password-resets.js';
import { Sessions } from './sessions.js';
import { SignUps } from './sign-ups.js';
import type { TokenService } from './token-service.js';

export interface AccountCommandsDependencies extends AccountStreamsDependencies {
  tokens: TokenService;
  /** Throttles log-ins after failures; without it (tools, specs of other things) none is refused for them. */
  logInGuard?: LogInGuard;
  /** Whose keys an erasure destroys. */
  personalData: PersonalDataKeys;
  /** Forgets what else is kept about the person outside the log (failed log-ins, face data); runs after each erasure, told who erased. */
  forgetPerson?: (accountId: string, by: Actor) => Promise<void>;
}

/**
 * The account side of the API: turns requests into account commands, doing the work a pure
 * decider cannot (hashing, checking passwords, minting tokens, sending mail), and the
 * lookups it needs (email → account through the email's claim stream). Its parts share one
 * `AccountStreams`, which appends their commands and mails one-time tokens around the appends
 * that record them.
 */
export class AccountCommands {
  readonly signUps: SignUps;
  readonly sessions: Sessions;
  readonly passwordResets: PasswordResets;
  readonly administration: AccountAdministration;
  readonly erasures: Erasures;
  /** Accounts for people an organizer registers who have none. */
  readonly invitations: Invitations;

  constructor(dependencies: AccountCommandsDependencies) {
    const streams = new AccountStreams(dependencies);
    this.signUps = new SignUps(streams);
    this.sessions = new Sessions(streams, dependencies.tokens, dependencies.logInGuard);
    this.passwordResets = new PasswordResets(streams);
    this.administration = new AccountAdministration(streams, dependencies.logInGuard);
    this.invitations = new Invitations(streams);
    this.erasures = new Erasures(streams, dependencies.personalData, dependencies.forgetPerson ?? (async () => undefined), dependencies.logInGuard);
  }

  /** The first admin, made from the command line: verified at once, no mail sent. */
  async createAdmin(input: { email: string; password: string; name: string }): Promise<{ accountId: string }> {
    const commandId = randomUUID();
    const registration = await this.signUps.register(input, { actor: SYSTEM, commandId: `${commandId}:sign-up` });
    if (registration.outcome === 'held') throw registration.refusal;
    const { accountId, token } = registration;
    await this.signUps.verifyEmail({ token }, { actor: SYSTEM, commandId: `${commandId}:verify` });
    await this.administration.grantRole({ accountId, role: 'admin' }, { actor: SYSTEM, commandId: `${commandId}:grant-admin` });
    return { accountId };
  }
}
