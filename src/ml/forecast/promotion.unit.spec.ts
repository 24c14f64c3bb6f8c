import { describe, expect, it } from 'vitest';
import type { Scores } from './metrics.js';
import { type CandidateScores, type ModelInUse, decidePromotion } from './promotion.js';

const scores = (logLoss: number): Scores => ({ examples: 4_210, baseRate: 0.6, logLoss, brier: 0.2, auc: 0.7 });

const candidate = (logLoss: number): NonNullable<CandidateScores> => ({
  ...scores(logLoss),
  fittedOn: 16_000,
  baselineLogLoss: 0.673,
  baselineBrier: 0.24,
  from: '2026-10-02T18:00:00.000Z',
});

/** v3, trained through 2026-09-30, and the candidate both scored on the attendances after it: `mine` for the candidate. */
const v3 = (theirs: number, mine = 0.512): ModelInUse => ({
  version: 3,
  usable: true,
  trainedThrough: new Date('2026-09-30T18:00:00Z'),
  comparison: { candidate: { ...scores(mine), examples: 3_900, from: '2026-10-03T18:00:00.000Z' }, inUse: scores(theirs) },
});

describe('when no model is in use', () => {
  it('promotes a scored candidate, with its score beside the base rate', () => {
    expect(decidePromotion(candidate(0.512), null)).toEqual({
      status: 'promoted',
      reason: 'No model was in use; log loss 0.512 on 4,210 held-out attendances from 2026-10-02 (the base rate alone: 0.673)',
      comparedWith: null,
      comparedScores: null,
    });
  });

  it('promotes a candidate with nothing held out, saying it is unscored', () => {
    expect(decidePromotion(null, null)).toMatchObject({
      status: 'promoted',
      reason: 'No model was in use; too few sessions to hold any out, so it is unscored',
    });
  });
});

describe('when the model in use cannot forecast with this code', () => {
  const unusable: ModelInUse = { version: 3, usable: false, why: "it does not fit this code's features (it was trained on pastSessions)" };

  it('promotes the candidate, saying why the model in use could not be scored', () => {
    expect(decidePromotion(candidate(0.7), unusable)).toEqual({
      status: 'promoted',
      reason:
        "Replaces v3, which cannot be scored on held-out attendances: it does not fit this code's features (it was trained on pastSessions); " +
        'log loss 0.700 on 4,210 held-out attendances from 2026-10-02 (the base rate alone: 0.673)',
      comparedWith: 3,
      comparedScores: null,
    });
  });

  it('promotes even a candidate with nothing held out', () => {
    expect(decidePromotion(null, unusable).status).toBe('promoted');
  });
});

describe('when a usable model is in use', () => {
  it('promotes a candidate with a lower log loss on the same held-out attendances', () => {
    expect(decidePromotion(candidate(0.6), v3(0.534, 0.512))).toEqual({
      status: 'promoted',
      reason: 'Beats v3: log loss 0.512 vs 0.534 of v3 on 3,900 held-out attendances from 2026-10-03, which neither had learned from',
      comparedWith: 3,
      comparedScores: scores(0.534),
    });
  });

  it('rejects a candidate with a higher log loss, keeping the model in use', () => {
    expect(decidePromotion(candidate(0.5), v3(0.534, 0.54))).toEqual({
      status: 'rejected',
      reason: 'Does not beat v3, which stays: log loss 0.540 vs 0.534 of v3 on 3,900 held-out attendances from 2026-10-03, which neither had learned from',
      comparedWith: 3,
      comparedScores: scores(0.534),
    });
  });

  it('rejects a tie: replacing a model needs a reason', () => {
    expect(decidePromotion(candidate(0.534), v3(0.534, 0.534))).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('log loss 0.534 vs 0.534 of v3'),
    });
  });

  it('shows as many digits as it takes to tell close log losses apart', () => {
    expect(decidePromotion(candidate(0.53412), v3(0.53417, 0.53412)).reason).toContain('log loss 0.5341 vs 0.5342 of v3');
  });

  it('keeps the model in use while too few held-out attendances are new to it, whatever the scores', () => {
    const inUse: ModelInUse = { version: 3, usable: true, trainedThrough: new Date('2026-11-28T18:00:00Z'), comparison: { unseen: 80 } };
    expect(decidePromotion(candidate(0.3), inUse)).toEqual({
      status: 'rejected',
      reason: 'Only 80 held-out attendances are at sessions v3 has not learned from (after 2026-11-28); 100 are needed to compare fairly, so v3 stays',
      comparedWith: 3,
      comparedScores: null,
    });
  });

  it('rejects a candidate with nothing held out, which cannot be compared', () => {
    expect(decidePromotion(null, { version: 3, usable: true, trainedThrough: null, comparison: null })).toEqual({
      status: 'rejected',
      reason: 'Too few sessions to hold any out, so it cannot be compared with v3, which stays',
      comparedWith: 3,
      comparedScores: null,
    });
  });
});
