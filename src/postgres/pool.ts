import pg from 'pg';

/**
 * A pool that survives a dropped idle connection: pg emits 'error' on the pool for it,
 * and an unhandled 'error' event would end the process.
 */
export const createPool = (connectionString: string, max: number, onIdleError: (error: Error) => void): pg.Pool => {
  const pool = new pg.Pool({ connectionString, max, application_name: 'rollcall' });
  pool.on('error', onIdleError);
  return pool;
};
