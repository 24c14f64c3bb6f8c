import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { maskUrl } from '../config.js';

/** A database the process cannot use; the message names the setting it came from and never its password. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/**
 * Errors that pass by themselves: the server is not up yet (a compose stack starting, a
 * restart), its name not yet in DNS, or it is starting or full. A refused login or a missing
 * database does not pass by waiting.
 */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '53300']);

const isTransient = (error: unknown): boolean => {
  const { code, message } = error as { code?: string; message?: string };
  // node-postgres's own connection timeout has no code.
  return (code !== undefined && TRANSIENT.has(code)) || /timeout expired|Connection terminated/i.test(message ?? '');
};

const reasonOf = (error: unknown): string => {
  const { code, message } = error as { code?: string; message?: string };
  // AggregateError (a host with several addresses) has no message of its own, only its parts.
  const text = message || (error as { errors?: Error[] }).errors?.map((e) => e.message).join('; ') || code || String(error);
  return text.replace(/\s*\n\s*/g, ' ');
};

export interface WaitOptions {
  /** How long to keep trying (0: once). */
  seconds: number;
  say: (line: string) => void;
}

/**
 * Connects to `url` (from the setting `name`) until it answers, retrying what passes by itself
 * with backoff (0.5 s doubling to 5 s) for at most `seconds`: processes started together
 * with their database (compose, systemd) must not die because it is a little slower.
 */
export const waitForDatabase = async (name: string, url: string, { seconds, say }: WaitOptions): Promise<void> => {
  const shown = `${name} (${maskUrl(url)})`;
  const deadline = Date.now() + seconds * 1000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    // An 'error' event after a failed connect must not end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (!isTransient(error)) throw new DatabaseUnreachableError(`${shown} refused: ${reasonOf(error)}`, { cause: error });
      const left = deadline - Date.now();
      if (left <= 0)
        throw new DatabaseUnreachableError(`${shown} is unreachable${seconds > 0 ? ` after ${seconds} s of retries` : ''}: ${reasonOf(error)}`, { cause: error });
      const wait = Math.min(delay, left);
      say(`${shown} is unreachable (${reasonOf(error)}); retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
};
