import type pg from 'pg';

/**
 * A session-level advisory lock held on a pooled connection: the way one process becomes the
 * active projector or forwarder while others wait as standbys.
 */
export interface SessionLock {
  client: pg.PoolClient;
  /** Aborted when the connection breaks, which ends the session lock. */
  lost: AbortSignal;
  onError: (error: Error) => void;
}

/** Takes the lock (`lockClass`, hashtext(`name`)) if nobody holds it; undefined otherwise. */
export const trySessionLock = async (
  pool: pg.Pool,
  lockClass: number,
  name: string,
  onLost: (error: Error) => void,
): Promise<SessionLock | undefined> => {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [lockClass, name]);
    if (!rows[0]?.locked) {
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
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lockClass, name]);
    client.release();
  } catch (error) {
    // A broken connection has lost its session lock already; the pool must not reuse it.
    client.release(error as Error);
  }
  client.off('error', onError);
};
