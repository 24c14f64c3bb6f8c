import { defineConfig } from 'vitest/config';

/** Its broker restart test stops the one Kafka broker every other Kafka suite talks to. */
const STOPS_THE_BROKER = 'src/integration/forwarder.int.spec.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Read by src/commands/accounts/passwords.ts, and only under vitest.
    env: { ROLLCALL_TEST_PASSWORD_COST: 'cheap' },
    // Vitest's default on two cores is one file at a time; the database suites mostly wait (on
    // PostgreSQL, Kafka, pg-boss and child processes), so several files overlap well.
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: {
          // Pure code, and the command side and API on the in-memory event store: no PostgreSQL.
          name: 'unit',
          include: ['src/**/*.unit.spec.ts', 'test/**/*.unit.spec.ts'],
        },
      },
      {
        extends: true,
        test: {
          // *.int.spec.ts (a real database, Kafka) and *.e2e.spec.ts (through HTTP or a real process).
          name: 'database',
          include: ['src/**/*.int.spec.ts', 'src/**/*.e2e.spec.ts', 'test/**/*.int.spec.ts', 'test/**/*.e2e.spec.ts'],
          exclude: [STOPS_THE_BROKER],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Alone, after the others: no other suite may be talking to the broker while it is down.
          name: 'broker',
          include: [STOPS_THE_BROKER],
          globalSetup: ['test/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
