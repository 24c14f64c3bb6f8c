import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The secret kept in `file`, made by `create` and stored there (mode 0600) the first time.
 *
 * Written whole to a temporary file, then linked into place: link() refuses to replace a file
 * that exists, so two processes starting together on one data directory cannot each keep a
 * secret of their own (with rename() the second would silently replace the first's, which may
 * already have encrypted something under it); the one that loses reads the winner's.
 */
export const readOrCreateSecretFile = async (file: string, create: () => string): Promise<string> => {
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${create()}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const stored = await readSecret(file);
  if (stored === undefined) throw new Error(`${file} is empty`);
  return stored;
};

/** A random secret that needs no quoting in a URL or a file. */
export const randomSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/** The secret kept in `file`; undefined when there is none. */
export const readSecret = async (file: string): Promise<string | undefined> => {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
