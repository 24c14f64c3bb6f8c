import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliScript } from '../../test/spawn-rollcall.js';
import { simulatedHistory } from '../seed/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evaluate = (args: string[]) => runCliScript('src/cli/eval-forecast.ts', args, process.env);

describe('npm run eval:forecast', () => {
  it('scores a history file, the model beside both baselines, and ends with one JSON line of its figures', async () => {
    const history = join(dir, 'history.jsonl');
    const records = simulatedHistory({ organizers: 6, events: 60, attendees: 300, weeks: 10, seed: 4, now: new Date('2026-11-01T12:00:00Z') });
    writeFileSync(history, records.map((r) => JSON.stringify(r)).join('\n'));

    const run = await evaluate(['--history', history]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toContain(`${records.length.toLocaleString('en-US')} attendances`);
    expect(run.stdout).toMatch(/Calibration of the model/);
    const figures = JSON.parse(lines.at(-1)!);
    for (const key of ['brier_model', 'brier_attendee_rate', 'brier_global_rate', 'auc_model', 'session_mae', 'interval_coverage'])
      expect(typeof figures[key]).toBe('number');
    expect(figures.train_examples + figures.test_examples).toBe(records.length);
    expect(figures.brier_model).toBeLessThan(figures.brier_global_rate);
  });

  it('stops at a bad line, naming it, with exit 2', async () => {
    const history = join(dir, 'bad.jsonl');
    writeFileSync(history, '{"attendeeId":"a"}\n');
    const run = await evaluate(['--history', history]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.jsonl, line 1: eventId must be non-empty, well-formed text/);
  });

  it('refuses a test share that is no fraction, with exit 2', async () => {
    const run = await evaluate(['--test-share', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--test-share must be a fraction between 0 and 1/);
  });
});
