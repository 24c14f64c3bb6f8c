import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventStream, forecastStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { recordedEvent } from '../recorded-event.fixture.js';
import type { UnstorableValue } from '../stored-values.js';
import { forecastChanges } from './changes.js';

const eventId = randomUUID();
const [first, second] = [randomUUID(), randomUUID()];
const [ann, bob] = [randomUUID(), randomUUID()];

const forecast = (commit: bigint, data: object = {}, streamId = forecastStream(eventId)): RecordedEvent =>
  recordedEvent(
    streamId,
    'AttendanceForecasted',
    {
      eventId,
      sessionId: first,
      expected: 1.5,
      low: 0,
      high: 2,
      confirmed: 2,
      modelVersion: 3,
      inputsPosition: '40',
      registrations: [
        { registrationId: ann, probability: 0.9 },
        { registrationId: bob, probability: 0.6 },
      ],
      computedAt: '2026-07-01T10:00:00.000Z',
      ...data,
    },
    { position: { commit, prepare: commit - 1n } },
  );

const changesOf = (events: RecordedEvent[]) => {
  const warnings: UnstorableValue[] = [];
  return { ...forecastChanges(events, (w) => warnings.push(w)), warnings: warnings.map((w) => w.field) };
};

describe('the forecasts read model', () => {
  it('keeps every forecast’s figures under its whole position, and the session’s probabilities', () => {
    const { recorded, latest, warnings } = changesOf([forecast(42n)]);
    expect(recorded).toEqual([
      {
        commitPosition: '42',
        preparePosition: '41',
        eventId,
        sessionId: first,
        confirmed: 2,
        expected: 1.5,
        low: 0,
        high: 2,
        modelVersion: 3,
        inputsPosition: '40',
        computedAt: '2026-07-01T10:00:00.000Z',
      },
    ]);
    expect(latest).toEqual([
      {
        eventId,
        sessionId: first,
        registrations: [
          { registrationId: ann, probability: 0.9 },
          { registrationId: bob, probability: 0.6 },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('keeps the base rate’s forecast, made from no known position, with nulls', () =>
    expect(changesOf([forecast(42n, { modelVersion: null, inputsPosition: null })]).recorded[0]).toMatchObject({ modelVersion: null, inputsPosition: null }));

  it('writes each session’s probabilities once per batch, from its last forecast, and every forecast’s figures', () => {
    const { recorded, latest } = changesOf([
      forecast(42n),
      forecast(43n, { sessionId: second }),
      forecast(44n, { registrations: [{ registrationId: bob, probability: 0.5 }], expected: 0.5, high: 1, confirmed: 1 }),
    ]);
    expect(recorded.map((r) => [r.sessionId, r.commitPosition])).toEqual([
      [first, '42'],
      [second, '43'],
      [first, '44'],
    ]);
    expect(latest).toEqual([
      { eventId, sessionId: first, registrations: [{ registrationId: bob, probability: 0.5 }] },
      { eventId, sessionId: second, registrations: expect.any(Array) },
    ]);
  });

  it('empties a session’s probabilities when its forecast lists none (everyone cancelled, or too many to list)', () =>
    expect(changesOf([forecast(42n, { registrations: [], confirmed: 0, expected: 0, high: 0 })]).latest).toEqual([{ eventId, sessionId: first, registrations: [] }]));

  it('leaves out, and reports, a forecast without its keys or figures', () => {
    const { recorded, latest, warnings } = changesOf([
      forecast(42n, { sessionId: 's-1' }),
      forecast(43n, { expected: 'lots' }),
      forecast(44n, { low: 1.5 }),
      forecast(45n, {}, `forecast-${'not-a-uuid'}`),
    ]);
    expect(recorded).toEqual([]);
    expect(latest).toEqual([]);
    expect(warnings).toEqual(['sessionId', 'expected', 'low', 'streamId']);
  });

  it('keeps a forecast whose other values it cannot store, as nulls, and reports each', () => {
    const { recorded, warnings } = changesOf([forecast(42n, { modelVersion: 'v3', inputsPosition: 7, computedAt: '2026-02-30T00:00:00Z' })]);
    expect(recorded[0]).toMatchObject({ modelVersion: null, inputsPosition: null, computedAt: null });
    expect(warnings).toEqual(['modelVersion', 'inputsPosition', 'computedAt']);
  });

  it('leaves out, and reports, a registration it cannot key or whose probability is no number, and one listed twice', () => {
    const { latest, warnings } = changesOf([
      forecast(42n, {
        registrations: [
          { registrationId: 'r-1', probability: 0.5 },
          { registrationId: ann, probability: null },
          { registrationId: bob, probability: 0.6 },
          { registrationId: bob, probability: 0.7 },
        ],
      }),
    ]);
    expect(latest[0]!.registrations).toEqual([{ registrationId: bob, probability: 0.6 }]);
    expect(warnings).toEqual(['registrations[0].registrationId', 'registrations[1].probability', 'registrations[3].registrationId']);
  });

  it('reports a list that is no list, and keeps none', () => {
    const { latest, warnings } = changesOf([forecast(42n, { registrations: 'many' })]);
    expect(latest[0]!.registrations).toEqual([]);
    expect(warnings).toEqual(['registrations']);
  });

  it('changes nothing for the type on another stream, or other types', () =>
    expect(changesOf([forecast(42n, {}, eventStream(eventId)), recordedEvent(forecastStream(eventId), 'SomethingElse', {})])).toEqual({
      recorded: [],
      latest: [],
      warnings: [],
    }));
});
