import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { runCommandLine } from './command-line.js';
import { replayCommand } from './replay-command.js';

let db: TestDatabase;
let store: PostgresEventStore;
const stream = eventStream('7b0c9a52-55a4-4b0c-9a52-7b0c9a5255a4');

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  const details = {
    title: 'Replay me',
    description: '',
    venue: 'Hall',
    timeZone: 'UTC',
    registrationOpensAt: '2026-01-01T00:00:00.000Z',
    registrationClosesAt: '2026-02-01T00:00:00.000Z',
    requiresApproval: false,
    faceVerification: 'off',
  };
  await store.append(
    stream,
    [
      { ...anEvent('EventCreated', { eventId: stream.slice(6), organizerId: 'org-1', details, capacity: 3 }) },
      { ...anEvent('CapacityChanged', { capacity: 7 }) },
    ],
    'no_stream',
  );
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

const run = async (...args: string[]) => {
  const [lines, errors]: [string[], string[]] = [[], []];
  const io = { out: (line: string) => void lines.push(line), err: (line: string) => void errors.push(line) };
  const code = await runCommandLine(replayCommand({ connect: async () => ({ store }), ...io }), args, io);
  return { code, output: lines.join('\n'), errors: errors.join('\n') };
};

describe('rollcall admin replay', () => {
  it('prints the history and the state now', async () => {
    const { code, output } = await run(stream);
    expect(code).toBe(0);
    expect(output).toContain('2 event(s)');
    expect(output).toMatch(/#0 .*EventCreated {2}by test-actor/);
    expect(output).toContain('"capacity": 7');
  });

  it('stops at a revision, as JSON', async () => {
    const { code, output } = await run(stream, '--at', '0', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(output);
    expect(parsed.history).toHaveLength(1);
    expect(parsed.state).toMatchObject({ revision: '0', state: { status: 'draft', capacity: 3 } });
  });

  it('says what is missing from its arguments in one line, exit 2', async () => {
    expect(await run()).toMatchObject({ code: 2, errors: "Missing required argument 'stream' (--help shows the usage)" });
    expect(await run(stream, '--at')).toMatchObject({ code: 2, errors: "Option '--at <revision|time>' argument missing (--help shows the usage)" });
  });

  it('refuses a point that is neither a revision nor a time, exit 2', async () => {
    const refused = await run(stream, '--at', 'tomorrow');
    expect(refused.code).toBe(2);
    expect(refused.errors).toMatch(/^--at must be a revision .* or an RFC 3339 date-time \(--help shows the usage\)$/);
  });

  it('says a stream with no events is not there, exit 1', async () => {
    const missing = await run('event-00000000-0000-4000-8000-000000000000');
    expect(missing).toEqual({ code: 1, output: '', errors: 'No stream "event-00000000-0000-4000-8000-000000000000" is stored' });
  });
});
