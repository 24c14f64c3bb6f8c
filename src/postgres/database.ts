import pg from 'pg';

/**
 * Creates a database on the server `url` points at (unless `ifMissing` and it exists)
 * and returns its connection string.
 */
export const createDatabase = async (url: string, name: string, ifMissing = false): Promise<string> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe database name "${name}"`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = ifMissing && (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
};

/** `url` logged in as `role` with `password`. */
export const loginUrl = (url: string, role: string, password: string): string => {
  const target = new URL(url);
  target.username = encodeURIComponent(role);
  target.password = encodeURIComponent(password);
  return target.toString();
};
