/**
 * One thing a role needs to do its work: a reachable database, a projection within its lag
 * bound. `check` resolves undefined when it holds, or says why not in a sentence for /readyz.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | undefined>;
}

export interface Readiness {
  ready: boolean;
  /** Each check by name: `ok`, or why not. */
  checks: Record<string, string>;
}

/** A check that does not answer within this is failing: /readyz answers before a prober's timeout. */
const CHECK_TIMEOUT_MS = 2_000;

const withTimeout = (check: ReadinessCheck): Promise<string | undefined> =>
  Promise.race([
    check.check().catch((error: unknown) => (error instanceof Error ? error.message : String(error))),
    new Promise<string>((resolve) => setTimeout(resolve, CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS} ms`).unref()),
  ]);

/** Runs every check side by side; ready when each holds. */
export const assess = async (checks: readonly ReadinessCheck[]): Promise<Readiness> => {
  const results = await Promise.all(checks.map(async (check) => [check.name, (await withTimeout(check)) ?? 'ok'] as const));
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
};
