import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { AttendanceHistory } from '../ml/forecast/attendance-history.fixture.js';
import { projectSeason } from '../ml/forecast/attendance-season.fixture.js';

let db: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
  // The attendance read model, as a projector would have set it up, with nothing in it yet.
  await new AttendanceHistory().project(db.pool);
});
afterAll(async () => db?.close());

const forecast = (...args: string[]) => runRollcallCli(['admin', 'forecast', ...args], env);

describe('rollcall admin forecast', () => {
  it('trains nothing without history, saying why, and lists no models', async () => {
    const retrained = await forecast('retrain');
    expect(retrained).toMatchObject({ code: 1, stdout: '', stderr: 'No model trained: 0 past attendances known; at least 50 are needed\n' });
    const listed = await forecast('models');
    expect(listed).toMatchObject({ code: 0, stdout: 'VERSION  STATUS  TRAINED  SESSIONS  EXAMPLES  AUC  LOG LOSS  BRIER  BASELINE  COMPARED WITH  REASON\n' });
  });

  it('promotes the first model trained, then keeps it over a retraining on the same attendances, printing each decision', async () => {
    await projectSeason(db.pool, new Date());

    const first = await forecast('retrain');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^v1 promoted: No model was in use; log loss 0\.\d{3} on 120 held-out attendances from \d{4}-\d\d-\d\d \(the base rate alone: 0\.\d{3}\)\n$/);

    const second = await forecast('retrain', '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      trained: true,
      version: 2,
      status: 'rejected',
      reason: expect.stringMatching(/^Only 0 held-out attendances are at sessions v1 has not learned from \(after \d{4}-\d\d-\d\d\); 100 are needed to compare fairly, so v1 stays$/),
      comparedWith: 1,
      comparedScores: null,
      metrics: { examples: 576, holdout: { examples: 120 } },
    });
  });

  it('lists every version, newest first, with its status, data, scores and reason', async () => {
    const listed = await forecast('models');
    expect(listed.code).toBe(0);
    const [header, v2, v1, ...rest] = listed.stdout.split('\n');
    expect(header).toMatch(/^VERSION +STATUS +TRAINED +SESSIONS +EXAMPLES +AUC +LOG LOSS +BRIER +BASELINE +COMPARED WITH +REASON$/);
    const date = '\\d{4}-\\d\\d-\\d\\d';
    const scores = '0\\.\\d{3} +0\\.\\d{3} +0\\.\\d{3} +0\\.\\d{3}';
    expect(v2).toMatch(new RegExp(`^v2 +rejected +\\S+Z +${date}\\.\\.${date} +576 +${scores} +v1 \\(-\\) +Only 0 held-out attendances are at sessions v1 has not learned from`));
    expect(v1).toMatch(new RegExp(`^v1 +promoted +\\S+Z +${date}\\.\\.${date} +576 +${scores} +- +No model was in use; `));
    expect(rest).toEqual(['']);

    const json = JSON.parse((await forecast('models', '--json')).stdout) as { version: number; status: string; holdout: { auc: number } }[];
    expect(json.map(({ version, status }) => `v${version} ${status}`)).toEqual(['v2 rejected', 'v1 promoted']);
    expect(json[1]!.holdout.auc).toBeGreaterThan(0.7);
    expect(listed.stdout + JSON.stringify(json)).not.toMatch(/onnx|parameters|weights/i);
  });
});
