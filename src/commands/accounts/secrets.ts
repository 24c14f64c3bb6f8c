import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 in hex: how one-time and refresh tokens are kept in events (never the token itself). */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 256 random bits, URL-safe. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Opaque tokens handed to a user name the account they belong to (`<accountId>.<secret>`),
 * so the command side knows which stream to load; only the secret part is unguessable.
 */
export const accountToken = (accountId: string): string => `${accountId}.${randomSecret()}`;

const ACCOUNT_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/;

/** The account a token names, or undefined when it is not shaped like one of ours. */
export const accountOfToken = (token: string): string | undefined => ACCOUNT_TOKEN.exec(token)?.[1];
