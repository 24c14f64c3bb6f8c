/**
 * `npm run eval:forecast [-- --history FILE] [--test-share F] [--seed S --weeks N --events N --attendees N --organizers N]`:
 * trains the show-up model on the earlier part of a history and scores it, beside two
 * baselines, on the later part. With --history it reads a JSON Lines file of past occasions
 * (src/ml/forecast/history-record.ts); without, it simulates the history `rollcall admin seed`
 * would make, up to a fixed moment, so two runs print the same figures. Last line: one JSON
 * object (report.ts `summaryOf`). Exit 2 for a mistake in the arguments or the file.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEED_SIZE, SeedOptionError, type SeedSize, seedOption } from '../seed/seed-options.js';
import { simulatedHistory } from '../seed/simulation.js';
import type { HistoryRecord } from '../ml/forecast/history-record.js';
import { evaluateForecasts } from '../ml/forecast/evaluation/evaluate.js';
import { HistoryFileError, readHistoryFile } from '../ml/forecast/evaluation/history-file.js';
import { examplesOf } from '../ml/forecast/evaluation/history-examples.js';
import { reportLines, summaryOf } from '../ml/forecast/evaluation/report.js';

/** The simulated history's present: fixed, so that the weekdays, and so the figures, never move. */
const SIMULATED_NOW = new Date('2026-12-01T12:00:00Z');

class UsageError extends Error {}

const testShareOf = (text: string | undefined): number => {
  if (text === undefined) return 0.25;
  const share = Number(text);
  if (!(share > 0 && share < 1)) throw new UsageError(`--test-share must be a fraction between 0 and 1, not "${text}"`);
  return share;
};

const historyOf = async (values: Record<string, string | undefined>): Promise<{ records: HistoryRecord[]; source: string }> => {
  if (values.history !== undefined) return { records: await readHistoryFile(values.history), source: values.history };
  const size: SeedSize = { ...DEFAULT_SEED_SIZE };
  for (const name of Object.keys(size) as (keyof SeedSize)[]) if (values[name] !== undefined) size[name] = seedOption(name, values[name]);
  return { records: simulatedHistory({ ...size, now: SIMULATED_NOW }), source: `simulated (${JSON.stringify(size)}, up to ${SIMULATED_NOW.toISOString()})` };
};

const main = async (): Promise<number> => {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const { values } = parseArgs({
      options: Object.fromEntries(['history', 'test-share', ...Object.keys(DEFAULT_SEED_SIZE)].map((name) => [name, { type: 'string' as const }])),
      allowPositionals: false,
    });
    const testShare = testShareOf(values['test-share'] as string | undefined);
    const started = Date.now();
    const { records, source } = await historyOf(values as Record<string, string | undefined>);
    say(`History: ${source}, ${records.length.toLocaleString('en-US')} attendances.`);
    const evaluation = await evaluateForecasts(examplesOf(records), testShare);
    for (const line of reportLines(evaluation)) say(line);
    say(`Took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    say(JSON.stringify(summaryOf(evaluation)));
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof SeedOptionError || error instanceof HistoryFileError || error instanceof RangeError;
    const argument = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${usage || argument ? '' : 'Failed: '}${(error as Error).message}\n`);
    return usage || argument ? 2 : 1;
  }
};

process.exitCode = await main();
