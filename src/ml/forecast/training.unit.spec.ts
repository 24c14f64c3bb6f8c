import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from './features.js';
import { seededRandom } from './seeded-random.fixture.js';
import { type LabelledExample, MIN_EXAMPLES, trainForecastModel } from './training.js';

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 5, 18);

/**
 * A weekly series of `weeks` sessions with 40 regulars, who come 9 times in 10, and 40
 * drifters, who come 1 time in 5. Everything else is the same for all of them, so habit is
 * all there is to learn; knowing each person's kind would rank shows above no-shows with
 * an AUC of about 0.85, and knowing nothing with 0.5.
 */
const season = (weeks: number): LabelledExample[] => {
  const next = seededRandom(7);
  const examples: LabelledExample[] = [];
  for (let week = 0; week < weeks; week++)
    for (let person = 0; person < 80; person++) {
      const regular = person < 40;
      examples.push({
        sessionId: `session-${week}`,
        eventId: 'series',
        attendeeId: `${regular ? 'regular' : 'drifter'}-${person}`,
        startsAt: new Date(start + week * 7 * DAY),
        endsAt: new Date(start + week * 7 * DAY + 2 * 3_600_000),
        registeredAt: new Date(start - 10 * DAY),
        sessionIndex: week,
        confirmed: 80,
        attended: next() < (regular ? 0.9 : 0.2),
      });
    }
  return examples;
};

describe('training the show-up model', () => {
  it('learns that past shows predict the next, and measures it on the latest sessions', () => {
    const examples = season(10);
    const result = trainForecastModel(examples);
    if (!result.trained) throw new Error(result.reason);
    expect(result.parameters.weights).toHaveLength(FEATURE_NAMES.length);
    expect(result.parameters.weights[FEATURE_NAMES.indexOf('pastShowUpRate')]).toBeGreaterThan(0);
    expect(result.metrics.examples).toBe(800);
    expect(result.metrics.baseRate).toBe(examples.filter((e) => e.attended).length / 800);
    const holdout = result.metrics.holdout!;
    // The last two weeks, fitted on the eight before them.
    expect(holdout.examples).toBe(160);
    expect(holdout.fittedOn).toBe(640);
    expect(holdout.auc!).toBeGreaterThan(0.75);
    expect(holdout.logLoss).toBeLessThan(holdout.baselineLogLoss);
  });

  it(`stores nothing with fewer than ${MIN_EXAMPLES} examples`, () => {
    const result = trainForecastModel(season(1).slice(0, 49));
    expect(result).toMatchObject({ trained: false, examples: 49 });
    if (!result.trained) expect(result.reason).toMatch(/at least 50/);
  });

  it('stores nothing when everyone came, since there is nothing to tell apart', () => {
    const result = trainForecastModel(season(2).map((example) => ({ ...example, attended: true })));
    expect(result).toMatchObject({ trained: false, examples: 160 });
    if (!result.trained) expect(result.reason).toMatch(/all 160 .* shows/);
  });
});
