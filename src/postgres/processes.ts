import { readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether `pid` is a running process this user may signal. EPERM (another user's process)
 * counts as not running: a process of ours that died may have had its pid reused by someone
 * else's, which is not ours to stop. A zombie, dead but not reaped (PID 1 in some containers
 * reaps nobody), counts as not running too.
 */
export const processRunning = async (pid: number): Promise<boolean> => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await procStat(pid);
  return stat?.state !== 'Z';
};

/**
 * When `pid` started, in clock ticks since boot (Linux), to tell a process from a later one
 * that reused its pid; undefined where /proc cannot say.
 */
export const processStartTime = async (pid: number): Promise<string | undefined> => (await procStat(pid))?.startTime;

/** The working directory of `pid` (Linux); undefined where /proc cannot say. PostgreSQL's postmaster works in its data directory. */
export const processDirectory = async (pid: number): Promise<string | undefined> => readlink(`/proc/${pid}/cwd`).catch(() => undefined);

/** Waits until `pid` is gone; false if it still runs after `timeoutMs`. */
export const waitForExit = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (await processRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
};

const procStat = async (pid: number): Promise<{ state: string; startTime: string } | undefined> => {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // `pid (command) state …`: the command may hold spaces and parentheses, so fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // state is field 3 of proc(5), starttime field 22.
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
};
