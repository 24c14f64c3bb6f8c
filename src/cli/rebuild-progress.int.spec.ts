import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { runProjectionsCommand } from './projections-command.js';
import { projections as allProjections } from '../projections/projections.js';

let db: TestDatabase;
let store: PostgresEventStore;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  const stream = eventStream('5f1a0c52-55a4-4b0c-9a52-7b0c9a5255a4');
  await store.append(stream, [anEvent('CapacityChanged', { capacity: 1 }), anEvent('CapacityChanged', { capacity: 2 })], 'no_stream');
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

/** `rollcall admin projections <args>` in this process, its stderr (where progress goes) as text. */
const projections = async (...args: string[]) => {
  let [out, err] = ['', ''];
  const code = await runProjectionsCommand(args, {
    connect: async () => ({ store, pool: db.pool }),
    out: (line) => void (out += `${line}\n`),
    err: { isTTY: false, write: (text: string) => ((err += text), true) } as unknown as NodeJS.WriteStream,
  });
  return { code, out, err };
};

describe('rollcall admin projections rebuild, on a log smaller than a batch', () => {
  it('reports the rate of the events it applied, never 0 events/s', async () => {
    const { code, err } = await projections('rebuild', 'audit');
    expect(code).toBe(0);
    expect(err).toMatch(/^audit: applied 2 events in \d+\.\d s( \([\d.,]+ events\/s\))?\n$/);
    expect(err).not.toMatch(/\b0 events\/s/);
  });

  it('rebuilding every projection together says no 0 events/s either', async () => {
    const { code, err } = await projections('rebuild', '--all');
    expect(code).toBe(0);
    expect(err).not.toMatch(/\b0 events\/s/);
    expect(err).toMatch(new RegExp(`^built ${allProjections.length} shadows in \\d+\\.\\d s\\n`));
  });
});
