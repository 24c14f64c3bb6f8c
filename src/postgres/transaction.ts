import type pg from 'pg';

/**
 * Runs `work` in one transaction on a connection of its own: committed when it resolves,
 * rolled back when it throws (the error passed on as it was, not a failed ROLLBACK's), and
 * the connection returned either way. `begin` chooses the transaction's kind (`BEGIN READ
 * ONLY`, a snapshot's isolation level).
 */
export const inTransaction = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
