import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { processRunning, processStartTime } from './processes.js';

/**
 * Which process runs the embedded PostgreSQL of a data directory, and on which port:
 * `<dataDir>.json` (`$DATA_DIR/postgres.json`), written by that process and removed when it
 * stops the server. Tools (`npm run admin:create`, `rollcall admin …`) read it to join the
 * running server instead of starting a second one on the same data directory, which
 * PostgreSQL refuses; a start reads it to tell a server still in use from one left behind by
 * a process that died.
 */
export interface EmbeddedOwner {
  /** The process that started the server. */
  pid: number;
  /** When that process started (see processStartTime), so that a later process reusing its pid is not taken for it. */
  processStart: string | undefined;
  /** `starting` until the server, its database and the app role are ready to join; then `ready`. */
  state: 'starting' | 'ready';
  /** Set once `ready`. */
  port?: number;
}

export const ownerFile = (dataDir: string): string => `${path.resolve(dataDir)}.json`;

export const readOwner = async (dataDir: string): Promise<EmbeddedOwner | undefined> => {
  let text: string;
  try {
    text = await readFile(ownerFile(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as EmbeddedOwner;
    if (Number.isInteger(owner.pid) && (owner.state === 'starting' || owner.state === 'ready')) return owner;
  } catch {
    // Unreadable: a process that died while writing it cannot own the server any more.
  }
  return { pid: 0, processStart: undefined, state: 'starting' };
};

/** Whether the owner's process still runs: the same process, not a later one that reused its pid. */
export const ownerRunning = async (owner: EmbeddedOwner): Promise<boolean> => {
  if (owner.pid <= 0 || !(await processRunning(owner.pid))) return false;
  return owner.processStart === undefined || owner.processStart === (await processStartTime(owner.pid));
};

/** This process, as the owner it records. */
export const thisProcess = async (): Promise<Pick<EmbeddedOwner, 'pid' | 'processStart'>> => ({
  pid: process.pid,
  processStart: await processStartTime(process.pid),
});

/**
 * Records this process as the one starting the server; false when another process holds the
 * record. Written whole under a temporary name and linked into place, which (unlike rename)
 * fails when the file exists: of two processes starting at once, one claims it.
 */
export const claimOwner = async (dataDir: string): Promise<boolean> => {
  const temporary = await writeTemporary(dataDir, { ...(await thisProcess()), state: 'starting' });
  try {
    await link(temporary, ownerFile(dataDir));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
};

/** Tells joiners the server is ready on `port` (the record replaced at once: a reader sees the old one or the new one). */
export const ownerReady = async (dataDir: string, port: number): Promise<void> => {
  await rename(await writeTemporary(dataDir, { ...(await thisProcess()), state: 'ready', port }), ownerFile(dataDir));
};

/** Removes the record if it is `owner`'s (as read before): never one another process has written since. */
export const releaseOwner = async (dataDir: string, owner: Pick<EmbeddedOwner, 'pid' | 'processStart'>): Promise<void> => {
  const current = await readOwner(dataDir);
  if (current && current.pid === owner.pid && current.processStart === owner.processStart)
    await unlink(ownerFile(dataDir)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
};

const writeTemporary = async (dataDir: string, owner: EmbeddedOwner): Promise<string> => {
  // A first start may get here before anything else made DATA_DIR (ROLLCALL_MASTER_KEY given, say).
  await mkdir(path.dirname(ownerFile(dataDir)), { recursive: true });
  const temporary = `${ownerFile(dataDir)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
};
