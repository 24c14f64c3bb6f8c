import { decode } from '../../domain/decode.js';
import type { AttendanceForecasted, ForecastEvent, RegistrationProbability } from '../../domain/forecast/forecast.js';
import { parseStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type OnUnstorable, type StoredValues, fieldsOf, storedValues } from '../stored-values.js';

/** The forecasts read model's pure step: each recorded forecast as a row, and each session's latest probabilities. */

export const FORECAST_EVENT_TYPES = ['AttendanceForecasted'] as const satisfies readonly ForecastEvent['type'][];

export interface RecordedForecast {
  commitPosition: string;
  preparePosition: string;
  eventId: string;
  sessionId: string;
  confirmed: number;
  expected: number;
  low: number;
  high: number;
  modelVersion: number | null;
  inputsPosition: string | null;
  computedAt: string | null;
}

export interface LatestProbabilities {
  eventId: string;
  sessionId: string;
  registrations: RegistrationProbability[];
}

export interface ForecastChanges {
  /** Every forecast of the batch, in log order. */
  recorded: RecordedForecast[];
  /** Each session's probabilities from its last forecast of the batch: the earlier ones would be replaced before anyone read them. */
  latest: LatestProbabilities[];
}

const finite = (v: StoredValues, value: unknown, field: string): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : v.skip(field, 'is not a finite number');

/** Null is what the domain writes for "none" (the base rate, no checkpoint); anything else must be storable. */
const orNone = <T>(value: unknown, stored: (value: unknown) => T | null): T | null => (value === null ? null : stored(value));

/** The registrations a forecast lists that a row can hold; a second row for one registration is left out, as its key is taken. */
const probabilitiesOf = (v: StoredValues, value: unknown): RegistrationProbability[] => {
  if (!Array.isArray(value)) return v.skip('registrations', 'is not a list') ?? [];
  const seen = new Set<string>();
  return value.flatMap((item: unknown, i): RegistrationProbability[] => {
    const { registrationId, probability } = fieldsOf<RegistrationProbability>(item);
    const id = v.uuid(registrationId, `registrations[${i}].registrationId`);
    const chance = id === null ? null : finite(v, probability, `registrations[${i}].probability`);
    if (id === null || chance === null) return [];
    if (seen.has(id)) return v.skip(`registrations[${i}].registrationId`, 'names a registration listed before in this forecast') ?? [];
    seen.add(id);
    return [{ registrationId: id, probability: chance }];
  });
};

const forecastOf = (recorded: RecordedEvent, streamEventId: string, v: StoredValues): { row: RecordedForecast; registrations: unknown } | undefined => {
  const data = fieldsOf<AttendanceForecasted['data']>(decode(recorded).data);
  const row = {
    commitPosition: recorded.position.commit.toString(),
    preparePosition: recorded.position.prepare.toString(),
    // The stream says whose forecast it is, as an event stream says whose registrations.
    eventId: v.uuid(streamEventId, 'streamId'),
    sessionId: v.uuid(data.sessionId, 'sessionId'),
    confirmed: v.integer(data.confirmed, 'confirmed'),
    expected: finite(v, data.expected, 'expected'),
    low: v.integer(data.low, 'low'),
    high: v.integer(data.high, 'high'),
    modelVersion: orNone(data.modelVersion, (value) => v.integer(value, 'modelVersion')),
    inputsPosition: orNone(data.inputsPosition, (value) => v.text(value, 'inputsPosition')),
    computedAt: v.instant(data.computedAt, 'computedAt'),
  };
  const { eventId, sessionId, confirmed, expected, low, high } = row;
  // Without its keys or figures a forecast says nothing; each missing one was reported above.
  if (eventId === null || sessionId === null || confirmed === null || expected === null || low === null || high === null) return undefined;
  return { row: { ...row, eventId, sessionId, confirmed, expected, low, high }, registrations: data.registrations };
};

export const forecastChanges = (events: readonly RecordedEvent[], onUnstorable: OnUnstorable): ForecastChanges => {
  const recorded: RecordedForecast[] = [];
  const latest = new Map<string, { eventId: string; sessionId: string; registrations: unknown; v: StoredValues }>();
  for (const event of events) {
    const stream = parseStream(event.streamId);
    if (stream.kind !== 'forecast' || event.type !== 'AttendanceForecasted') continue;
    const v = storedValues(event, onUnstorable);
    const forecast = forecastOf(event, stream.eventId, v);
    if (!forecast) continue;
    const { eventId, sessionId } = forecast.row;
    recorded.push(forecast.row);
    latest.set(`${eventId}/${sessionId}`, { eventId, sessionId, registrations: forecast.registrations, v });
  }
  // Read only for the forecasts that are kept, so that a superseded one's list is neither stored nor reported.
  return { recorded, latest: [...latest.values()].map(({ eventId, sessionId, registrations, v }) => ({ eventId, sessionId, registrations: probabilitiesOf(v, registrations) })) };
};
