import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString.js';

export interface EventStoreConnection {
  /** The user the connection string names (`esdb://user:password@…`), never its password. */
  user: string | undefined;
  /** `host:port` of each node given (one, or a cluster's seeds). */
  hosts: string[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Reads an EventStoreDB connection string with the client's own parser (@eventstore/db-client
 * 6.2.1, the one that will connect with it), so configuration accepts exactly what connects:
 * `esdb://` and `esdb+discover://`, one node or a cluster (`esdb://a:2113,b:2113,c:2113`, which
 * `new URL()` refuses). `kurrentdb://` is refused: only later clients read it.
 *
 * `throwOnAppendFailure=false` is refused too: with it the client answers a refused append as
 * a result instead of an error, which the adapter would have to trust to tell a conflict from a
 * success (and 6.2.1's batch append even reports the wrong revision in it).
 *
 * Throws an Error whose message never holds the password.
 */
export const parseEventStoreUrl = (raw: string): EventStoreConnection => {
  let options: ReturnType<typeof parseConnectionString>;
  try {
    options = parseConnectionString(raw);
  } catch (error) {
    throw new Error(`is not a connection string @eventstore/db-client 6.2.1 reads (esdb:// or esdb+discover://): ${redacted(messageOf(error), raw)}`);
  }
  if (options.throwOnAppendFailure === false)
    throw new Error('sets throwOnAppendFailure=false, which makes a refused append look like a result: remove it (Rollcall needs refusals as errors)');
  return { user: options.defaultCredentials?.username, hosts: options.hosts.map(({ address, port }) => `${address}:${port}`) };
};

/** The parser quotes the part of the string it stopped at, which can be the password. */
const redacted = (message: string, raw: string): string => {
  const password = /^[^/]*\/\/[^:@/]*:([^@]+)@/.exec(raw)?.[1];
  return password ? message.replaceAll(password, '***') : message;
};
