import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputType,
  GraphQLScalarType,
  type GraphQLSchema,
  defaultFieldResolver,
} from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { parseTicketId } from '../commands/tickets/ticket-codes.js';
import { DomainError } from '../domain/domain-error.js';
import { subscriptionError } from './graphql-errors.js';
import { instant, textProblem } from '../domain/values.js';
import { isUuid } from '../uuid.js';

/**
 * Strict admission: every argument of every query, mutation and subscription is checked
 * here, before its resolver runs, so no client mistake reaches a command, a read model or
 * the log, and every refusal is VALIDATION naming the argument. Checks are by what the
 * schema declares (a DateTime, any text) and, for ids, by the argument's name: `ID` stays
 * the declared type so clients' variable types keep working.
 */

/** Ids the API hands out are lower-case UUIDs; they go into stream names as they are. */
const UUID_ARGUMENTS = new Set(['eventId', 'sessionId', 'registrationId', 'staffId', 'accountId', 'attendeeId', 'id']);
/** Audit filters also name the system itself, which acts without an account. */
const ACTOR_ARGUMENTS = new Set(['actorId']);
/** Plain-string arguments that are instants. */
const INSTANT_ARGUMENTS = new Set(['from', 'to']);
/**
 * Taken as they are: a password is compared with a stored hash (one chosen before these rules
 * must still log in); a ticket code is only ever verified, never stored, and a mangled one is
 * an unreadable scan to record, one per scan in an offline upload, not a refused request.
 */
const VERBATIM_ARGUMENTS = new Set(['password', 'code']);
/** Text that may run over several lines; every other string is a single line. */
const MULTILINE_ARGUMENTS = new Set(['description', 'reason']);

/** An RFC 3339 instant between 2000 and 2100; admission refuses any other, naming the argument. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An RFC 3339 date-time with its offset, years 2000-2100, e.g. 2026-07-02T16:00:00Z; answered in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : value),
  // Checked by admission, where the argument's name is known, rather than here, where it is not.
  parseValue: (value) => {
    if (typeof value !== 'string') throw new DomainError('VALIDATION', 'A DateTime is a string, e.g. 2026-07-02T16:00:00Z');
    return value;
  },
});

const refuse = (path: string, problem: string): never => {
  throw new DomainError('VALIDATION', `${path} ${problem}`);
};

const checkId = (name: string, value: string, path: string): void => {
  if (UUID_ARGUMENTS.has(name) && (!isUuid(value) || value !== value.toLowerCase())) refuse(path, 'must be a UUID in lower case');
  if (ACTOR_ARGUMENTS.has(name) && value !== 'system' && !isUuid(value)) refuse(path, 'must be an account id (a UUID) or "system"');
  if (name === 'ticketId' && !parseTicketId(value)) refuse(path, 'must be a ticket id as the API gave it (<eventId>_<registrationId>)');
};

/*
 * Types are told apart by their shape, not with graphql's `isListType` and friends: mercurius
 * loads graphql as CommonJS and this file as ESM, and those helpers refuse types from the
 * other copy of the module.
 */
type Wrapping = { ofType: GraphQLInputType; toString(): string };
const isWrapping = (type: GraphQLInputType): type is GraphQLInputType & Wrapping => 'ofType' in type;
const isList = (type: GraphQLInputType): boolean => isWrapping(type) && type.toString().startsWith('[');
/** `X!`, `[X]!` and `[X!]!` alike: a non-null list's name starts like a list's. */
const isNonNull = (type: GraphQLInputType): boolean => isWrapping(type) && type.toString().endsWith('!');
const inputFields = (type: GraphQLInputType): GraphQLInputField[] | undefined =>
  'getFields' in type ? Object.values(type.getFields()) : undefined;
const namedType = (type: GraphQLInputType): GraphQLInputType => (isWrapping(type) ? namedType(type.ofType) : type);

const check = (name: string, type: GraphQLInputType, value: unknown, path: string): void => {
  if (value === null || value === undefined) return;
  const nullable = isNonNull(type) ? (type as Wrapping).ofType : type;
  if (isList(nullable)) {
    (value as unknown[]).forEach((item, i) => check(name, (nullable as Wrapping).ofType, item, `${path}[${i}]`));
    return;
  }
  const fields = inputFields(nullable);
  if (fields) {
    for (const field of fields) check(field.name, field.type, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`);
    return;
  }
  if (typeof value !== 'string' || VERBATIM_ARGUMENTS.has(name)) return;
  const problem = textProblem(value, { multiline: MULTILINE_ARGUMENTS.has(name) });
  if (problem) refuse(path, problem);
  checkId(name, value, path);
  if (String(namedType(type)) === DateTimeScalar.name || INSTANT_ARGUMENTS.has(name)) instant(value, path);
};

const admit = (definitions: readonly GraphQLArgument[], args: Record<string, unknown>): void => {
  for (const argument of definitions) check(argument.name, argument.type, args[argument.name], argument.name);
};

const guarded =
  (definitions: readonly GraphQLArgument[], resolve: GraphQLFieldResolver<unknown, MercuriusContext>): GraphQLFieldResolver<unknown, MercuriusContext> =>
  (root, args, context, info) => {
    admit(definitions, args);
    return resolve(root, args, context, info);
  };

/** A refusal while subscribing skips the error formatter, so it carries its code itself. */
const guardedSubscription =
  (definitions: readonly GraphQLArgument[], subscribe: GraphQLFieldResolver<unknown, MercuriusContext>): GraphQLFieldResolver<unknown, MercuriusContext> =>
  (root, args, context, info) => {
    try {
      admit(definitions, args);
    } catch (error) {
      throw subscriptionError(error, context.app.log);
    }
    return subscribe(root, args, context, info);
  };

/** Puts admission in front of every root field's resolver (and a subscription's subscribe). */
export const admitArguments = (schema: GraphQLSchema): void => {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {}) as GraphQLField<unknown, MercuriusContext>[]) {
      if (field.args.length === 0) continue;
      if (field.subscribe) field.subscribe = guardedSubscription(field.args, field.subscribe);
      else field.resolve = guarded(field.args, field.resolve ?? defaultFieldResolver);
    }
  }
};
