import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.fixture.js';
import type { LabelledExample } from '../training.js';
import { evaluateForecasts } from './evaluate.js';

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 5, 18);

/** Twelve weekly sessions of 100 people whose own habit (from 0.1 to 0.9) is all there is to learn. */
const season = (): LabelledExample[] => {
  const next = seededRandom(3);
  const examples: LabelledExample[] = [];
  for (let week = 0; week < 12; week++)
    for (let person = 0; person < 100; person++)
      examples.push({
        sessionId: `session-${week}`,
        eventId: 'series',
        attendeeId: `person-${person}`,
        startsAt: new Date(start + week * 7 * DAY),
        endsAt: new Date(start + week * 7 * DAY + 7_200_000),
        registeredAt: new Date(start - 10 * DAY),
        sessionIndex: week,
        confirmed: 100,
        attended: next() < 0.1 + (0.8 * person) / 99,
      });
  return examples;
};

describe('evaluating forecasts on a history', () => {
  it('tests on the later sessions only, trained on the earlier ones', async () => {
    const evaluation = await evaluateForecasts(season(), 0.25);
    expect(evaluation.train).toMatchObject({ examples: 900, sessions: 9 });
    expect(evaluation.test).toMatchObject({ examples: 300, sessions: 3 });
    expect(Date.parse(evaluation.test.from)).toBeGreaterThan(Date.parse(evaluation.train.through));
  });

  it('ranks people by habit where the global rate cannot, and is calibrated within a few points', async () => {
    const { model, globalRate, attendeeRate } = await evaluateForecasts(season(), 0.25);
    // Knowing each habit exactly would score about 0.76.
    expect(model.scores.auc!).toBeGreaterThan(0.7);
    expect(globalRate.scores.auc).toBe(0.5);
    expect(model.scores.brier).toBeLessThan(globalRate.scores.brier);
    expect(attendeeRate.scores.brier).toBeLessThan(globalRate.scores.brier);
    for (const bin of model.calibration.filter((b) => b.count >= 30)) expect(Math.abs(bin.observedRate! - bin.meanPredicted!)).toBeLessThan(0.15);
    expect(model.sessions.sessions).toBe(3);
  });

  it('refuses a history whose sessions all start at once', async () => {
    const once = season().map((e) => ({ ...e, startsAt: new Date(start) }));
    await expect(evaluateForecasts(once)).rejects.toThrow(/nothing is earlier to train on/);
  });
});
