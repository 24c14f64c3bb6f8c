import type pg from 'pg';

/**
 * A session-level advisory lock held on a pooled connection: the way one process becomes the
 * active follower of the log (a projection, the forwarder, a reactor) while others wait as standbys.
 */
export interface SessionLock {
  client: pg.PoolClient;
  /** Aborted when the connection breaks, which ends the session lock. */
  lost: AbortSignal;
  onError: (error: Error) => void;
}

/** Takes the two-key lock (`lockClass`, hashtext(`key`)) on `client` if nobody holds it. */
export const tryAdvisoryLock = async (client: pg.PoolClient, lockClass: number, key: string): Promise<boolean> =>
  (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [lockClass, key])).rows[0]!.locked;

export const advisoryUnlock = async (client: pg.PoolClient, lockClass: number, key: string): Promise<void> => {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lockClass, key]);
};

/** Takes the lock (`lockClass`, hashtext(`name`)) if nobody holds it; undefined otherwise. */
export const trySessionLock = async (
  pool: pg.Pool,
  lockClass: number,
  name: string,
  onLost: (error: Error) => void,
): Promise<SessionLock | undefined> => {
  const client = await pool.connect();
  try {
    if (!(await tryAdvisoryLock(client, lockClass, name))) {
      client.release();
      return undefined;
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  const lost = new AbortController();
  // A checked-out client without an 'error' listener would crash the process when its connection drops.
  const onError = (error: Error): void => {
    onLost(error);
    lost.abort();
  };
  client.on('error', onError);
  return { client, lost: lost.signal, onError };
};

export const releaseSessionLock = async ({ client, onError }: SessionLock, lockClass: number, name: string): Promise<void> => {
  try {
    await advisoryUnlock(client, lockClass, name);
    client.release();
  } catch (error) {
    // A broken connection has lost its session lock already; the pool must not reuse it.
    client.release(error as Error);
  }
  client.off('error', onError);
};
