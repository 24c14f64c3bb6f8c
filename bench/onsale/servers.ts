import type { ChildProcess } from 'node:child_process';
import { type RunningRollcall, spawnRollcall } from '../../test/spawn-rollcall.js';

/** The roles an on-sale needs, each a process of its own: the API, the read models and jobs, and the reactors that queue ticket mail. */
export interface OnSaleServers {
  api: RunningRollcall;
  projector: RunningRollcall;
  mlWorker: RunningRollcall;
}

/**
 * Starts the three roles on `env` and hands `onStop` what stops them, also a process that
 * never got ready (killed), so that a failed start leaves nothing running. With
 * BENCH_CPU_PROF_DIR set, each writes a V8 CPU profile there when it exits (spawn-rollcall.ts).
 */
export const startOnSaleServers = async (env: NodeJS.ProcessEnv, onStop: (stop: () => Promise<unknown>) => void): Promise<OnSaleServers> => {
  const start = (role: string, ready?: RegExp) =>
    spawnRollcall(role, env, ready, (child: ChildProcess) =>
      onStop(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
  const [api, projector, mlWorker] = await Promise.all([
    start('api'),
    start('projector', /Rollcall \(projector\) running/),
    start('ml-worker', /Rollcall \(ml-worker\) running/),
  ]);
  return { api, projector, mlWorker };
};
