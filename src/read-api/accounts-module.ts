import { randomUUID } from 'node:crypto';
import { deterministicId } from '../commands/deterministic-id.js';
import type { MercuriusContext } from 'mercurius';
import type { AccountView, Request, Session } from '../commands/accounts/account-commands.js';
import { ROLES, type Role } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { formatPosition } from '../eventstore/position.js';
import { isUuid } from '../uuid.js';
import type { GraphqlModule } from './graphql-module.js';

/** Input checks at the edge; the GraphQL schema has checked the types already. */
const refuse = (message: string): never => {
  throw new DomainError('VALIDATION', message);
};

const text = (value: unknown, field: string, min: number, max: number): string => {
  if (typeof value !== 'string') return refuse(`${field} must be a string`);
  if (value.length < min || value.length > max) return refuse(`${field} must be ${min}-${max} characters long`);
  return value;
};

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const email = (value: unknown): string => {
  const address = text(value, 'email', 3, 254).trim();
  if (!EMAIL.test(address)) refuse('email must be an email address such as ada@example.org');
  return address;
};
const password = (value: unknown, field = 'password'): string => text(value, field, 10, 200);
const name = (value: unknown): string => {
  const trimmed = text(value, 'name', 1, 100).trim();
  if (trimmed.length === 0) refuse('name must not be blank');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) refuse('name must not contain control characters');
  return trimmed;
};
/** Our tokens are about 80 characters; anything much longer is not one. */
const token = (value: unknown, field: string): string => text(value, field, 1, 200);
const accountId = (value: unknown): string => {
  const id = text(value, 'accountId', 36, 36).toLowerCase();
  if (!isUuid(id)) refuse('accountId must be a UUID');
  return id;
};
const role = (value: unknown): Role =>
  (ROLES as readonly unknown[]).includes(value) ? (value as Role) : refuse(`role must be one of ${ROLES.join(', ')}`);

/**
 * The idempotency key of a mutation: the client's, when it sends one, so a resend takes
 * effect once; scoped to the caller, so nobody can replay another account's command.
 */
const request = (args: { commandId?: unknown }, context: MercuriusContext): Request => {
  const commandId = args.commandId ?? randomUUID();
  if (typeof commandId !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(commandId))
    refuse('commandId must be 1-100 characters of letters, digits, "_", ".", ":" or "-"');
  return { commandId: deterministicId(context.actor?.accountId ?? 'anonymous', commandId as string), actor: context.actor };
};

type Args = Record<string, unknown>;

const session = (s: Session) => ({
  accessToken: s.accessToken,
  expiresAt: s.expiresAt.toISOString(),
  refreshToken: s.refreshToken,
  refreshTokenExpiresAt: s.refreshTokenExpiresAt.toISOString(),
  account: s.account,
  position: formatPosition(s.position),
});

const accountResult = (r: { account: AccountView; position: Parameters<typeof formatPosition>[0] }) => ({
  account: r.account,
  position: formatPosition(r.position),
});

export const accountsModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    extend type Mutation {
      "Creates an attendee account and mails a verification token. Passwords are 10-200 characters."
      signUp(email: String!, password: String!, name: String!, commandId: ID): SignUpResult!
      "Confirms the email address with the token from the verification mail."
      verifyEmail(token: String!, commandId: ID): AccountResult!
      logIn(email: String!, password: String!, commandId: ID): AuthSession!
      "Exchanges a refresh token for a new pair; the old refresh token stops working."
      refreshToken(refreshToken: String!, commandId: ID): AuthSession!
      "Ends the log-in the refresh token belongs to."
      logOut(refreshToken: String!, commandId: ID): CommandReceipt!
      "Mails a reset token if the address has an account; always true, so it reveals nothing."
      requestPasswordReset(email: String!, commandId: ID): Boolean!
      "Sets a new password with the token from the reset mail and ends every log-in."
      resetPassword(token: String!, newPassword: String!, commandId: ID): CommandReceipt!
      "Admins only."
      grantRole(accountId: ID!, role: AccountRole!, commandId: ID): AccountResult!
      "Admins only."
      revokeRole(accountId: ID!, role: AccountRole!, commandId: ID): AccountResult!
    }

    enum AccountRole {
      admin
      organizer
      staff
      attendee
    }

    type Account {
      id: ID!
      email: String!
      name: String!
      roles: [AccountRole!]!
      emailVerified: Boolean!
    }

    type SignUpResult {
      accountId: ID!
      "Global position of the command's last event."
      position: String!
    }

    type AccountResult {
      account: Account!
      position: String!
    }

    type AuthSession {
      "Send as 'Authorization: Bearer <accessToken>'."
      accessToken: String!
      "When the access token expires (ISO-8601), 15 minutes after it was issued."
      expiresAt: String!
      "Shown once; use it with refreshToken before it expires."
      refreshToken: String!
      refreshTokenExpiresAt: String!
      account: Account!
      position: String!
    }

    type CommandReceipt {
      position: String!
    }
  `,
  resolvers: {
    Mutation: {
      signUp: async (_root, args: Args, context) => {
        const input = { email: email(args.email), password: password(args.password), name: name(args.name) };
        const result = await context.app.accounts.signUp(input, request(args, context));
        return { accountId: result.accountId, position: formatPosition(result.position) };
      },
      verifyEmail: async (_root, args: Args, context) =>
        accountResult(await context.app.accounts.verifyEmail({ token: token(args.token, 'token') }, request(args, context))),
      logIn: async (_root, args: Args, context) => {
        // Any length is checked against the hash: a password that no longer passes the sign-up rules still logs in.
        const input = { email: email(args.email), password: text(args.password, 'password', 1, 200) };
        return session(await context.app.accounts.logIn(input, request(args, context)));
      },
      refreshToken: async (_root, args: Args, context) =>
        session(await context.app.accounts.refresh({ refreshToken: token(args.refreshToken, 'refreshToken') }, request(args, context))),
      logOut: async (_root, args: Args, context) => {
        const result = await context.app.accounts.logOut({ refreshToken: token(args.refreshToken, 'refreshToken') }, request(args, context));
        return { position: formatPosition(result.position) };
      },
      requestPasswordReset: async (_root, args: Args, context) => {
        await context.app.accounts.requestPasswordReset({ email: email(args.email) }, request(args, context));
        return true;
      },
      resetPassword: async (_root, args: Args, context) => {
        const input = { token: token(args.token, 'token'), newPassword: password(args.newPassword, 'newPassword') };
        const result = await context.app.accounts.resetPassword(input, request(args, context));
        return { position: formatPosition(result.position) };
      },
      grantRole: async (_root, args: Args, context) =>
        accountResult(
          await context.app.accounts.grantRole({ accountId: accountId(args.accountId), role: role(args.role) }, request(args, context)),
        ),
      revokeRole: async (_root, args: Args, context) =>
        accountResult(
          await context.app.accounts.revokeRole({ accountId: accountId(args.accountId), role: role(args.role) }, request(args, context)),
        ),
    },
  },
};
