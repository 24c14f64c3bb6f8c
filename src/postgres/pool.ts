import pg from 'pg';

/**
 * A pool that survives a dropped idle connection: pg emits 'error' on the pool for it,
 * and an unhandled 'error' event would end the process. `onNotice` hears what the server
 * says to any of its connections (RAISE NOTICE, warnings), which pg would otherwise drop.
 */
export const createPool = (
  connectionString: string,
  max: number,
  onIdleError: (error: Error) => void,
  onNotice?: (notice: { message?: string; severity?: string; code?: string }) => void,
): pg.Pool => {
  const pool = new pg.Pool({ connectionString, max, application_name: 'rollcall' });
  pool.on('error', onIdleError);
  if (onNotice) pool.on('connect', (client) => void client.on('notice', onNotice));
  return pool;
};
