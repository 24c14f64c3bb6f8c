/** What a process has started, each with the function that stops it, in the order started. */
export type Started = Array<() => Promise<unknown>>;

/**
 * The process's way out: stops everything in `started`, newest first, once however often and
 * from wherever it is called (a signal, a failed start such as a port in use or an unreachable
 * broker, an error nothing caught). A part left running outlives the process: the embedded
 * PostgreSQL above all, which then keeps the next start on its data directory from starting
 * its own. A step that fails is reported and the ones before it still run; resolves to whether
 * every step succeeded.
 */
export const shutdown = (started: Started, report: (error: unknown) => void): (() => Promise<boolean>) => {
  let running: Promise<boolean> | undefined;
  return () =>
    (running ??= (async () => {
      let clean = true;
      for (const stop of started.reverse()) {
        try {
          await stop();
        } catch (error) {
          clean = false;
          report(error);
        }
      }
      return clean;
    })());
};
