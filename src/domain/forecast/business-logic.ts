import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import { isUuid } from '../../uuid.js';
import {
  type AttendanceForecasted,
  type ForecastEvent,
  type ForecastState,
  type RegistrationProbability,
  type SessionForecast,
  evolve,
  initialState,
} from './forecast.js';

/**
 * A refresh's forecast of one session, as the forecaster made it: the probabilities unrounded,
 * in any order, the figures from the forecast's own interval rule (src/ml/forecast/). The
 * command side reads the inputs and runs the model; deciding what of it enters the log is here.
 */
export type RecordForecast = {
  type: 'RecordForecast';
  data: {
    eventId: string;
    sessionId: string;
    /** Every registration confirmed for the session when the inputs were read. */
    registrations: RegistrationProbability[];
    expected: number;
    low: number;
    high: number;
    modelVersion: number | null;
    inputsPosition: string | null;
    now: Date;
  };
};

export type ForecastCommand = RecordForecast;

/** Digits kept of a probability and of the expected head count: a difference below 1e-4 changes no plan, and events stay small. */
export const FORECAST_DECIMALS = 4;

/**
 * The most registrations whose probabilities one AttendanceForecasted lists: about 80 bytes of
 * JSON each, so at most about 0.8 MB, within the 1 MiB an append may hold. A bigger session
 * (capacity goes to 100,000) is recorded with its figures and no list.
 */
export const MAX_RECORDED_REGISTRATIONS = 10_000;

const POSITION = /^(\d{1,19})(?:\/(\d{1,19}))?$/;

const rounded = (value: number): number => {
  const scale = 10 ** FORECAST_DECIMALS;
  return Math.round(value * scale) / scale;
};

/** Ids go into stream names as they are: lower case only, or one id would name two streams. */
const id = (value: string, name: string): string => {
  if (typeof value !== 'string' || !isUuid(value) || value !== value.toLowerCase()) throw new DomainError('VALIDATION', `${name} must be a UUID in lower case`);
  return value;
};

const probabilityOf = ({ registrationId, probability }: RegistrationProbability): RegistrationProbability => {
  id(registrationId, 'registrationId');
  if (typeof probability !== 'number' || !Number.isFinite(probability) || probability < 0 || probability > 1)
    throw new DomainError('VALIDATION', `The probability of registration ${registrationId} must be a number from 0 to 1`);
  return { registrationId, probability: rounded(probability) };
};

/** The registrations in id order, so that the same forecast reads the same whatever order the inputs came in. */
const registrationsOf = (registrations: readonly RegistrationProbability[]): RegistrationProbability[] => {
  const sorted = registrations.map(probabilityOf).sort((a, b) => (a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0));
  sorted.forEach((registration, i) => {
    if (i > 0 && sorted[i - 1]!.registrationId === registration.registrationId)
      throw new DomainError('VALIDATION', `Registration ${registration.registrationId} is forecast twice`);
  });
  return sorted;
};

const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0;

/** The figures, checked against each other once rounded: a head count outside its own interval is no forecast. */
const figuresOf = (data: RecordForecast['data'], confirmed: number) => {
  const { low, high } = data;
  if (typeof data.expected !== 'number' || !Number.isFinite(data.expected)) throw new DomainError('VALIDATION', 'expected must be a finite number');
  if (!isCount(low) || !isCount(high)) throw new DomainError('VALIDATION', 'low and high must be whole numbers of people');
  const expected = rounded(data.expected);
  if (!(low <= expected && expected <= high && high <= confirmed))
    throw new DomainError('VALIDATION', `The forecast must keep 0 ≤ low ≤ expected ≤ high ≤ confirmed, not ${low} ≤ ${expected} ≤ ${high} ≤ ${confirmed}`);
  return { expected, low, high };
};

const modelVersionOf = (version: number | null): number | null => {
  if (version !== null && !(Number.isInteger(version) && version >= 1)) throw new DomainError('VALIDATION', 'modelVersion must be a positive whole number, or null for the base rate');
  return version;
};

const positionOf = (position: string | null): string | null => {
  if (position !== null && (typeof position !== 'string' || !POSITION.test(position)))
    throw new DomainError('VALIDATION', 'inputsPosition must be a log position ("<commit>" or "<commit>/<prepare>"), or null');
  return position;
};

/** Whether inputs at `position` came before those at `than`: a refresh that read the log earlier lost a race. */
const isEarlier = (position: string | null, than: string | null): boolean => {
  const [a, b] = [position, than].map((p) => (p === null ? undefined : POSITION.exec(p)));
  if (!a || !b) return false;
  const [commitA, commitB] = [BigInt(a[1]!), BigInt(b[1]!)];
  return commitA !== commitB ? commitA < commitB : BigInt(a[2] ?? a[1]!) < BigInt(b[2] ?? b[1]!);
};

/** The same forecast: the same model and the same rounded figures and probabilities. Where its inputs stood does not count. */
const sameForecast = (a: SessionForecast, b: SessionForecast): boolean =>
  a.modelVersion === b.modelVersion &&
  a.expected === b.expected &&
  a.low === b.low &&
  a.high === b.high &&
  a.confirmed === b.confirmed &&
  a.registrations.length === b.registrations.length &&
  a.registrations.every((r, i) => r.registrationId === b.registrations[i]!.registrationId && r.probability === b.registrations[i]!.probability);

/**
 * Records a session's forecast, or nothing when it says nothing new. The hourly sweep forecasts
 * every upcoming session again, and most have not changed: without this the log would grow by
 * every upcoming session every hour. Nothing is recorded when the last forecast of the session
 * is the same (see sameForecast), when the inputs are older than the last forecast's (a
 * concurrent refresh read later and was recorded first), or when a session never forecast has
 * nobody confirmed. A session whose registrations all went is recorded, empty: its last
 * forecast no longer holds.
 */
export const recordForecast = ({ data }: RecordForecast, state: ForecastState): [] | [AttendanceForecasted] => {
  const [eventId, sessionId] = [id(data.eventId, 'eventId'), id(data.sessionId, 'sessionId')];
  if (!(data.now instanceof Date) || Number.isNaN(data.now.getTime())) throw new DomainError('VALIDATION', 'now must be a time');
  const registrations = registrationsOf(data.registrations);
  const confirmed = registrations.length;
  const forecast: SessionForecast = {
    ...figuresOf(data, confirmed),
    confirmed,
    modelVersion: modelVersionOf(data.modelVersion),
    inputsPosition: positionOf(data.inputsPosition),
    registrations: confirmed > MAX_RECORDED_REGISTRATIONS ? [] : registrations,
  };
  const last = state.status === 'forecast' ? state.sessions[sessionId] : undefined;
  if (last ? isEarlier(forecast.inputsPosition, last.inputsPosition) || sameForecast(last, forecast) : confirmed === 0) return [];
  return [{ type: 'AttendanceForecasted', data: { eventId, sessionId, ...forecast, computedAt: data.now.toISOString() } }];
};

export const decide = (command: ForecastCommand, state: ForecastState): ForecastEvent[] => {
  switch (command.type) {
    case 'RecordForecast':
      return recordForecast(command, state);
    default: {
      // On the type, not the command: a union of one command is not narrowed to never.
      const unknown: never = command.type;
      throw new DomainError('VALIDATION', `Unknown command ${unknown as string}`);
    }
  }
};

export const forecastDecider: Decider<ForecastCommand, ForecastState, ForecastEvent> = { initialState, evolve, decide };
