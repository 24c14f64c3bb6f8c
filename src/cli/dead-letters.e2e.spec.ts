import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastTriggerDeadLetter, queuedForecastRefreshes } from '../../test/forecast-trigger.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { eventStream } from '../domain/streams.js';

let db: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
});
afterAll(async () => db?.close());

const deadLetters = (...args: string[]) => runRollcallCli(['admin', 'dead-letters', ...args], env);
/** The streams of the events whose forecast refresh is queued. */
const refreshedStreams = async () => (await queuedForecastRefreshes(db.pool)).map((job) => eventStream(job.eventId));

describe('rollcall admin dead-letters', () => {
  it('lists a reactor’s dead letters with the error, and replays one or all of them until none is left', async () => {
    const first = await forecastTriggerDeadLetter(db.pool);
    const second = await forecastTriggerDeadLetter(db.pool);

    const listed = await deadLetters('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`forecast-trigger +${first.id} +RegistrationConfirmed +2 +\\S+ +connect ECONNREFUSED`));
    expect(listed.stdout).toContain('2 dead letter(s)');

    const one = await deadLetters('replay', 'forecast-trigger', '--event', first.id);
    expect(one).toMatchObject({ code: 0, stdout: 'forecast-trigger: replayed 1, still failing 0\n' });
    const left = JSON.parse((await deadLetters('list', '--consumer', 'forecast-trigger', '--json')).stdout) as { eventId: string }[];
    expect(left.map((letter) => letter.eventId)).toEqual([second.id]);
    expect(await refreshedStreams()).toEqual([first.streamId]);

    const rest = await deadLetters('replay', 'forecast-trigger');
    expect(rest).toMatchObject({ code: 0, stdout: 'forecast-trigger: replayed 1, still failing 0\n' });
    expect(JSON.parse((await deadLetters('list', '--json')).stdout)).toEqual([]);
    expect(await refreshedStreams()).toEqual([first.streamId, second.streamId].sort());
  });

  it('refuses a consumer no reactor has, and a command it does not know, as usage errors', async () => {
    const unknown = await deadLetters('replay', 'face-matcher');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No reactor named "face-matcher"; reactors: forecast-trigger');
    expect((await deadLetters('purge')).code).toBe(2);
    expect((await deadLetters('replay')).code).toBe(2);
  });
});
