import { DomainError } from '../domain/domain-error.js';

/**
 * Cursor pagination for the read models' named queries: a page is ordered by a stable,
 * unique key (a position), and its cursor is that key of its last row, opaque to clients.
 */

/** The longest page any list of the API returns; the query cost rule prices pages at most this long. */
export const MAX_PAGE = 100;
const MAX_BIGINT = 2n ** 63n - 1n;

export interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const encodeCursor = (key: string): string => Buffer.from(key).toString('base64url');

/** The key a cursor holds: a position (`42`) or a commit/prepare pair (`42/40`); null for none. */
export const decodeCursor = (cursor: string | null | undefined): string | null => {
  if (cursor == null) return null;
  const key = Buffer.from(cursor, 'base64url').toString();
  // Its numbers are positions, which PostgreSQL keeps as bigint: anything larger was never one.
  if (!/^\d{1,19}(\/\d{1,19})?$/.test(key) || key.split('/').some((n) => BigInt(n) > MAX_BIGINT))
    throw new DomainError('VALIDATION', 'after: this cursor was not made by this API');
  return key;
};

export const pageSize = (first: number | null | undefined, fallback: number): number => {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new DomainError('VALIDATION', `first must be from 1 to ${MAX_PAGE}`);
  return size;
};

/** A page of `size` from rows read one beyond it, to know whether another page follows. */
export const paged = <Row, T>(rows: Row[], size: number, keyOf: (row: Row) => string, toNode: (row: Row) => T): Page<T> => {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return { nodes: nodes.map(toNode), pageInfo: { endCursor: last ? encodeCursor(keyOf(last)) : null, hasNextPage: rows.length > size } };
};

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Who asks, for queries whose rows depend on it (drafts show to their organizer and admins). */
export interface Viewer {
  accountId: string;
  admin: boolean;
}

/** A search term matched literally: % and _ in it are not wildcards. */
export const escapeLike = (term: string): string => term.replace(/[\\%_]/g, (c) => `\\${c}`);
