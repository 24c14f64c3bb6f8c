import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import { type ForecastCommand, MAX_RECORDED_REGISTRATIONS, type RecordForecast, forecastDecider } from './business-logic.js';
import type { ForecastEvent } from './forecast.js';

const spec = deciderSpec(forecastDecider);
const eventId = '7b0c9a52-55a4-4b0c-9a52-7b0c9a5255a4';
const sessionId = '5d0c6f3e-8a1b-5c2d-9e4f-0a1b2c3d4e5f';
const otherSession = '6e1d7a4f-9b2c-4d3e-8f5a-1b2c3d4e5f6a';
const ann = '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4';
const bob = '1c8a2b63-66b5-4c1d-8b63-8c1d0b6366b5';
const now = new Date('2026-07-01T10:00:00.000Z');

type Data = RecordForecast['data'];
const record = (data: Partial<Data> = {}): ForecastCommand => ({
  type: 'RecordForecast',
  data: {
    eventId,
    sessionId,
    // Out of id order, and with more digits than the log keeps.
    registrations: [
      { registrationId: bob, probability: 0.612345 },
      { registrationId: ann, probability: 0.9 },
    ],
    expected: 1.512345,
    low: 0,
    high: 2,
    modelVersion: 3,
    inputsPosition: '42',
    now,
    ...data,
  },
});

const forecasted = (data: Partial<Extract<ForecastEvent, { type: 'AttendanceForecasted' }>['data']> = {}): ForecastEvent => ({
  type: 'AttendanceForecasted',
  data: {
    eventId,
    sessionId,
    expected: 1.5123,
    low: 0,
    high: 2,
    confirmed: 2,
    modelVersion: 3,
    inputsPosition: '42',
    registrations: [
      { registrationId: ann, probability: 0.9 },
      { registrationId: bob, probability: 0.6123 },
    ],
    computedAt: now.toISOString(),
    ...data,
  },
});

describe('When no forecast was recorded', () => {
  it('records the session’s forecast, rounded to 4 decimals, registrations in id order, without attendee ids', () =>
    spec([]).when(record()).then([forecasted()]));

  it('records the base rate’s forecast with no model version, and inputs of no known position', () =>
    spec([]).when(record({ modelVersion: null, inputsPosition: null })).then([forecasted({ modelVersion: null, inputsPosition: null })]));

  it('records nothing for a session nobody is confirmed for', () =>
    spec([]).when(record({ registrations: [], expected: 0, low: 0, high: 0 })).then([]));

  it('records the figures without the list for a session above the limit, so that the event fits one append', () => {
    const registrations = Array.from({ length: MAX_RECORDED_REGISTRATIONS + 1 }, (_, i) => ({
      registrationId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      probability: 0.5,
    }));
    const [event] = forecastDecider.decide(record({ registrations, expected: registrations.length / 2, low: 4_900, high: 5_100 }), forecastDecider.initialState());
    expect(event?.data).toMatchObject({ confirmed: MAX_RECORDED_REGISTRATIONS + 1, expected: 5_000.5, registrations: [] });
  });
});

describe('Refusing what must never enter the log', () => {
  it.each<[string, Partial<Data>, RegExp]>([
    ['an event id that is no UUID', { eventId: 'e-1' }, /eventId/],
    ['an upper-case session id, which would name another stream', { sessionId: sessionId.toUpperCase() }, /sessionId/],
    ['a registration id that is no UUID', { registrations: [{ registrationId: 'r-1', probability: 0.5 }] }, /registrationId/],
    ['a probability that is not a number', { registrations: [{ registrationId: ann, probability: Number.NaN }] }, /probability/],
    ['a probability above 1', { registrations: [{ registrationId: ann, probability: 1.01 }], expected: 1, high: 1 }, /probability/],
    ['a registration forecast twice', { registrations: [{ registrationId: ann, probability: 0.5 }, { registrationId: ann, probability: 0.5 }], expected: 1 }, /twice/],
    ['an infinite expected head count', { expected: Number.POSITIVE_INFINITY }, /expected/],
    ['a fractional bound', { low: 0.5 }, /whole numbers/],
    ['a negative bound', { low: -1 }, /whole numbers/],
    ['a head count outside its interval', { low: 2, high: 2 }, /low ≤ expected/],
    ['an interval above the confirmed', { high: 3 }, /high ≤ confirmed/],
    ['a model version that is no version', { modelVersion: 0 }, /modelVersion/],
    ['a position that is no log position', { inputsPosition: '-1' }, /inputsPosition/],
    ['a time that is no time', { now: new Date(Number.NaN) }, /now/],
  ])('refuses %s', (_, data, message) => spec([]).when(record(data)).thenRefuses('VALIDATION', message));
});

describe('When the session was forecast', () => {
  it('records nothing when the forecast is the same once rounded, however its inputs moved and its rows were ordered', () =>
    spec([forecasted()])
      .when(record({ registrations: [{ registrationId: ann, probability: 0.90001 }, { registrationId: bob, probability: 0.61234 }], expected: 1.51234, inputsPosition: '50' }))
      .then([]));

  it('records a forecast whose probabilities moved', () =>
    spec([forecasted()])
      .when(record({ registrations: [{ registrationId: ann, probability: 0.8 }, { registrationId: bob, probability: 0.6123 }], expected: 1.4123, inputsPosition: '50' }))
      .then([forecasted({ expected: 1.4123, inputsPosition: '50', registrations: [{ registrationId: ann, probability: 0.8 }, { registrationId: bob, probability: 0.6123 }] })]));

  it('records the same probabilities again from a new model', () =>
    spec([forecasted()]).when(record({ modelVersion: 4 })).then([forecasted({ modelVersion: 4 })]));

  it('records a forecast whose interval alone moved (a model with more session variance)', () =>
    spec([forecasted()]).when(record({ low: 1 })).then([forecasted({ low: 1 })]));

  it('records nothing from inputs older than the last forecast’s: a later refresh was recorded first', () => {
    spec([forecasted({ inputsPosition: '42/40' })]).when(record({ modelVersion: 4, inputsPosition: '42/39' })).then([]);
    spec([forecasted()]).when(record({ modelVersion: 4, inputsPosition: '41' })).then([]);
  });

  it('records an empty forecast once everyone cancelled, and nothing for the next empty one', () => {
    const empty = { registrations: [], expected: 0, low: 0, high: 0 };
    spec([forecasted()]).when(record(empty)).then([forecasted({ ...empty, confirmed: 0 })]);
    spec([forecasted(), forecasted({ ...empty, confirmed: 0 })]).when(record(empty)).then([]);
  });

  it('compares each session with its own last forecast', () =>
    spec([forecasted()]).when(record({ sessionId: otherSession })).then([forecasted({ sessionId: otherSession })]));
});

describe('The stream’s state', () => {
  it('keeps the last forecast of each session, as plain JSON an admin’s replay can show', () => {
    const later = forecasted({ low: 1, computedAt: '2026-07-01T11:00:00.000Z' });
    const state = [forecasted(), forecasted({ sessionId: otherSession }), later].reduce(forecastDecider.evolve, forecastDecider.initialState());
    expect(JSON.parse(JSON.stringify(state))).toEqual({
      status: 'forecast',
      sessions: {
        [sessionId]: { expected: 1.5123, low: 1, high: 2, confirmed: 2, modelVersion: 3, inputsPosition: '42', registrations: (later.data as { registrations: unknown }).registrations },
        [otherSession]: expect.objectContaining({ low: 0 }),
      },
    });
  });
});
