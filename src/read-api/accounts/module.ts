import type { GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { AccountView, Request } from '../../commands/accounts/account-streams.js';
import type { Erasure } from '../../commands/accounts/erasures.js';
import type { Session } from '../../commands/accounts/sessions.js';
import { requestHash, scopedCommandId } from '../../commands/request.js';
import { emailAddress, newPassword, normaliseEmail, personName } from '../../domain/account/credentials.js';
import { DomainError } from '../../domain/domain-error.js';
import { type Position, formatPosition } from '../../eventstore/position.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import { isRefusal } from '../error-map.js';
import type { GraphqlModule } from '../graphql-module.js';
import { waitForPosition } from '../read-your-writes.js';

const typeDefs = /* GraphQL */ `
  extend type Query {
    me(atPosition: String): Account
  }

  extend type Mutation {
    "Creates an attendee account and mails a verification token. Passwords are 10-200 characters, and neither the email address (nor its part before the @), the name, nor one of the 10,000 most common passwords. An address that has an account already is answered the same way, and its owner is mailed instead, so the answer tells nobody which addresses have accounts. Limited per network: RATE_LIMITED, with extensions.retryAfterSeconds."
    signUp(email: String!, password: String!, name: String!, commandId: ID): SignUpResult!
    "Confirms the email address with the token from the verification mail."
    verifyEmail(token: String!, commandId: ID): AccountResult!
    "After 5 failures with one address, its log-ins are refused (RATE_LIMITED, with extensions.retryAfterSeconds) for a minute, longer as failures go on (at most 15 minutes), without the password being checked; so are a network's after 100 failures in an hour."
    logIn(email: String!, password: String!, commandId: ID): AuthSession!
    "Exchanges a refresh token for a new pair; the old refresh token stops working."
    refreshToken(refreshToken: String!, commandId: ID): AuthSession!
    "Ends the log-in the refresh token belongs to."
    logOut(refreshToken: String!, commandId: ID): CommandReceipt!
    "Mails a new verification token (the one before stops working) if the address's account has not verified it; always true, so it reveals nothing. Limited per network and per address, whether or not it has an account: RATE_LIMITED, with extensions.retryAfterSeconds."
    resendVerification(email: String!, commandId: ID): Boolean!
    "Mails a reset token if the address has an account; always true, so it reveals nothing. Limited per network and per address, whether or not it has an account: RATE_LIMITED, with extensions.retryAfterSeconds."
    requestPasswordReset(email: String!, commandId: ID): Boolean!
    "Sets a new password with the token from the reset mail and ends every log-in."
    resetPassword(token: String!, newPassword: String!, commandId: ID): CommandReceipt!
    "Admins only."
    grantRole(accountId: ID!, role: AccountRole!, commandId: ID): AccountResult!
    "Admins only."
    revokeRole(accountId: ID!, role: AccountRole!, commandId: ID): AccountResult!
    "Admins only, and not their own: ends every session of the account within seconds, and it can no longer log in."
    disableAccount(accountId: ID!, commandId: ID): AccountResult!
    "Admins only: lets log-ins with the account's address be checked again at once, lifting the lockout failed log-ins put on it (see loginLockout)."
    unlockLogIn(accountId: ID!, commandId: ID): AccountResult!
    "Erases your email and name for good: their key is destroyed, so the log keeps only ciphertext nobody can read. Ends every session and frees the address; your registrations stay, without your name. Confirm with your password."
    eraseMyAccount(password: String!, commandId: ID): ErasureResult!
    "Admins only: erases another account's personal data, as eraseMyAccount does (a person's request made through the organizer)."
    eraseAccount(accountId: ID!, commandId: ID): ErasureResult!
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

  type ErasureResult {
    accountId: ID!
    erasedAt: String!
    position: String!
  }

  type CommandReceipt {
    position: String!
  }
`;

/** Our tokens are about 80 characters, and passwords at most 200: anything much longer is not one. */
const MAX_SECRET = 200;

/** A token or a password to check, refused at the edge when it is empty or far too long to be one. */
const secret = (value: string, field: string): string => {
  if (value.length < 1 || value.length > MAX_SECRET) throw new DomainError('VALIDATION', `${field} must be 1-${MAX_SECRET} characters long`);
  return value;
};

/** The arguments that say who an anonymous request speaks for: a token, else an address. */
interface Presented {
  commandId?: string | null;
  token?: string;
  refreshToken?: string;
  email?: string;
}

/**
 * Whose command ids these are: the caller's account, or what an anonymous caller presents.
 * Anonymous callers must not share one scope: a resent id would answer one caller with
 * another's result (a verification, with its account's email and roles, to whoever sends its
 * id) and strangers choosing the same id would collide. Scoped by its token or address, a
 * resend is answered only to whoever presents the same one. Both reach the log only hashed
 * with the client's id, as a sign-up's account id already hashes its address.
 */
const scopeOf = (args: Presented, context: MercuriusContext): string =>
  context.actor?.accountId ?? `anonymous:${args.token ?? args.refreshToken ?? normaliseEmail(args.email ?? '')}`;

/**
 * The idempotency key of a mutation: the client's, when it sends one, so a resend takes
 * effect once; scoped to the caller, and bound to the operation and its arguments.
 */
const request = (args: Presented, context: MercuriusContext, info: GraphQLResolveInfo): Request => ({
  commandId: scopedCommandId(scopeOf(args, context), args.commandId),
  actor: context.actor,
  requestHash: requestHash({ operation: info.fieldName, args }),
  keyedByClient: args.commandId != null,
  ip: context.ip,
  correlationId: context.requestId,
});

const session = (s: Session) => ({
  accessToken: s.accessToken,
  expiresAt: s.expiresAt.toISOString(),
  refreshToken: s.refreshToken,
  refreshTokenExpiresAt: s.refreshTokenExpiresAt.toISOString(),
  account: s.account,
  position: formatPosition(s.position),
});

const erasure = (r: Erasure) => ({ accountId: r.accountId, erasedAt: r.erasedAt.toISOString(), position: formatPosition(r.position) });

const accountResult = (r: { account: AccountView; position: Position }) => ({ account: r.account, position: formatPosition(r.position) });

/**
 * Mail the answer must not wait for: how long it takes depends on whether the address has an
 * account (a look-up, or a look-up, a queued mail and an append), so the answer, the same
 * either way, goes first. Nothing about it is ever told to the client; failures are logged.
 */
const afterAnswering = (context: MercuriusContext, work: Promise<void>): void => {
  work.catch((error: unknown) => {
    if (!isRefusal(error)) context.app.log.error({ err: error }, 'account mail failed');
  });
};

const Query: QueryResolvers = {
  me: async (_root, args, ctx) => {
    await waitForPosition(ctx, ['accounts'], args.atPosition);
    return ctx.app.reads.models.me(ctx.actor);
  },
};

// Roles and account ids need no check here: the schema's enum and admission have refused any other.
const Mutation: MutationResolvers = {
  signUp: async (_root, args, context, info) => {
    const input = { email: emailAddress(args.email), password: newPassword(args.password), name: personName(args.name) };
    await context.app.throttle.attempt({ signUpsPerNetwork: context.ip });
    const result = await context.app.accounts.signUps.signUp(input, request(args, context, info));
    return { accountId: result.accountId, position: formatPosition(result.position) };
  },
  verifyEmail: async (_root, args, context, info) =>
    accountResult(await context.app.accounts.signUps.verifyEmail({ token: secret(args.token, 'token') }, request(args, context, info))),
  logIn: async (_root, args, context, info) => {
    // Any length is checked against the hash: a password that no longer passes the sign-up rules still logs in.
    const input = { email: emailAddress(args.email), password: secret(args.password, 'password') };
    return session(await context.app.accounts.sessions.logIn(input, request(args, context, info)));
  },
  refreshToken: async (_root, args, context, info) =>
    session(await context.app.accounts.sessions.refresh({ refreshToken: secret(args.refreshToken, 'refreshToken') }, request(args, context, info))),
  logOut: async (_root, args, context, info) => {
    const result = await context.app.accounts.sessions.logOut({ refreshToken: secret(args.refreshToken, 'refreshToken') }, request(args, context, info));
    return { position: formatPosition(result.position) };
  },
  resendVerification: async (_root, args, context, info) => {
    const email = emailAddress(args.email);
    await context.app.throttle.attempt({ verificationResendsPerNetwork: context.ip, verificationResendsPerAddress: email });
    afterAnswering(context, context.app.accounts.signUps.resendVerification({ email }, request(args, context, info)));
    return true;
  },
  requestPasswordReset: async (_root, args, context, info) => {
    const email = emailAddress(args.email);
    await context.app.throttle.attempt({ passwordResetsPerNetwork: context.ip, passwordResetsPerAddress: email });
    afterAnswering(context, context.app.accounts.passwordResets.requestPasswordReset({ email }, request(args, context, info)));
    return true;
  },
  resetPassword: async (_root, args, context, info) => {
    const input = { token: secret(args.token, 'token'), newPassword: newPassword(args.newPassword, 'newPassword') };
    const result = await context.app.accounts.passwordResets.resetPassword(input, request(args, context, info));
    return { position: formatPosition(result.position) };
  },
  grantRole: async (_root, args, context, info) =>
    accountResult(await context.app.accounts.administration.grantRole({ accountId: args.accountId, role: args.role }, request(args, context, info))),
  revokeRole: async (_root, args, context, info) =>
    accountResult(await context.app.accounts.administration.revokeRole({ accountId: args.accountId, role: args.role }, request(args, context, info))),
  disableAccount: async (_root, args, context, info) =>
    accountResult(await context.app.accounts.administration.disableAccount({ accountId: args.accountId }, request(args, context, info))),
  unlockLogIn: async (_root, args, context, info) =>
    accountResult(await context.app.accounts.administration.unlockLogIn({ accountId: args.accountId }, request(args, context, info))),
  eraseMyAccount: async (_root, args, context, info) =>
    erasure(await context.app.accounts.erasures.eraseMyAccount({ password: secret(args.password, 'password') }, request(args, context, info))),
  eraseAccount: async (_root, args, context, info) =>
    erasure(await context.app.accounts.erasures.eraseAccount({ accountId: args.accountId }, request(args, context, info))),
};

/** Accounts: signing up, logging in and out, tokens, passwords, roles, and who the caller is (me). */
export const accounts: GraphqlModule = { typeDefs, resolvers: { Query, Mutation } };
