import type { GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { requestHash, scopedCommandId } from '../commands/request.js';
import type { AccountView, Request, Session } from '../commands/accounts/account-commands.js';
import { emailAddress, newPassword, personName } from '../domain/account/credentials.js';
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
 * effect once; scoped to the caller, and bound to the operation and its arguments.
 */
const request = (args: Args, context: MercuriusContext, info: GraphQLResolveInfo): Request => ({
  commandId: scopedCommandId(context.actor?.accountId ?? 'anonymous', args.commandId),
  actor: context.actor,
  requestHash: requestHash({ operation: info.fieldName, args }),
  keyedByClient: args.commandId != null,
});

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
      "Mails a new verification token (the one before stops working) if the address's account has not verified it; always true, so it reveals nothing."
      resendVerification(email: String!, commandId: ID): Boolean!
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
      "Null only where the log holds a value the read model could not store."
      email: String
      name: String
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
      signUp: async (_root, args: Args, context, info) => {
        const input = { email: emailAddress(args.email), password: newPassword(args.password), name: personName(args.name) };
        const result = await context.app.accounts.signUp(input, request(args, context, info));
        return { accountId: result.accountId, position: formatPosition(result.position) };
      },
      verifyEmail: async (_root, args: Args, context, info) =>
        accountResult(await context.app.accounts.verifyEmail({ token: token(args.token, 'token') }, request(args, context, info))),
      logIn: async (_root, args: Args, context, info) => {
        // Any length is checked against the hash: a password that no longer passes the sign-up rules still logs in.
        const input = { email: emailAddress(args.email), password: text(args.password, 'password', 1, 200) };
        return session(await context.app.accounts.logIn(input, request(args, context, info)));
      },
      refreshToken: async (_root, args: Args, context, info) =>
        session(await context.app.accounts.refresh({ refreshToken: token(args.refreshToken, 'refreshToken') }, request(args, context, info))),
      logOut: async (_root, args: Args, context, info) => {
        const result = await context.app.accounts.logOut({ refreshToken: token(args.refreshToken, 'refreshToken') }, request(args, context, info));
        return { position: formatPosition(result.position) };
      },
      resendVerification: async (_root, args: Args, context, info) => {
        await context.app.accounts.resendVerification({ email: emailAddress(args.email) }, request(args, context, info));
        return true;
      },
      requestPasswordReset: async (_root, args: Args, context, info) => {
        await context.app.accounts.requestPasswordReset({ email: emailAddress(args.email) }, request(args, context, info));
        return true;
      },
      resetPassword: async (_root, args: Args, context, info) => {
        const input = { token: token(args.token, 'token'), newPassword: newPassword(args.newPassword, 'newPassword') };
        const result = await context.app.accounts.resetPassword(input, request(args, context, info));
        return { position: formatPosition(result.position) };
      },
      grantRole: async (_root, args: Args, context, info) =>
        accountResult(
          await context.app.accounts.grantRole({ accountId: accountId(args.accountId), role: role(args.role) }, request(args, context, info)),
        ),
      revokeRole: async (_root, args: Args, context, info) =>
        accountResult(
          await context.app.accounts.revokeRole({ accountId: accountId(args.accountId), role: role(args.role) }, request(args, context, info)),
        ),
    },
  },
};
