import type pg from 'pg';
import { ADVISORY_LOCK_CLASS } from '../../postgres/advisory-locks.js';
import { sessionsOf } from '../../projections/attendance/event-queries.js';
import { expectedAttendance } from './expected-attendance.js';
import type { StoredModel } from './forecaster.js';
import type { ForecastMetrics } from './training.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface ModelToSave extends Omit<StoredModel, 'version'> {
  trainedAt: Date;
  examples: number;
  metrics: ForecastMetrics;
}

/** Stores a trained model as the newest version and returns its version. */
export const saveModel = async (db: Queryable, model: ModelToSave): Promise<number> => {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO rollcall.forecast_models (kind, trained_at, examples, feature_names, parameters, metrics)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING version`,
    [model.kind, model.trainedAt, model.examples, model.featureNames, JSON.stringify(model.parameters), JSON.stringify(model.metrics)],
  );
  return rows[0]!.version;
};

/** The newest model, or null before the first successful retraining. */
export const latestModel = async (db: Queryable): Promise<StoredModel | null> => {
  const { rows } = await db.query<{ version: number; kind: string; feature_names: string[]; parameters: unknown }>(
    'SELECT version, kind, feature_names, parameters FROM rollcall.forecast_models ORDER BY version DESC LIMIT 1',
  );
  const row = rows[0];
  return row ? { version: row.version, kind: row.kind, featureNames: row.feature_names, parameters: row.parameters } : null;
};

export interface RegistrationForecast {
  sessionId: string;
  registrationId: string;
  attendeeId: string;
  probability: number;
}

/**
 * Replaces an event's forecasts, on the caller's transaction. Refreshes of one event are
 * serialised by an advisory lock, so two (the hourly sweep and a reactor's) cannot
 * interleave their deletes and inserts.
 */
export const replaceForecasts = async (
  client: pg.PoolClient,
  eventId: string,
  forecasts: readonly RegistrationForecast[],
  modelVersion: number | null,
  computedAt: Date,
): Promise<void> => {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCK_CLASS.forecast, eventId]);
  await client.query('DELETE FROM rollcall.attendance_forecasts WHERE event_id = $1', [eventId]);
  if (forecasts.length === 0) return;
  await client.query(
    `INSERT INTO rollcall.attendance_forecasts (session_id, registration_id, event_id, attendee_id, probability, model_version, computed_at)
     SELECT f.session_id, f.registration_id, $5, f.attendee_id, f.probability, $6, $7
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::float8[]) AS f(session_id, registration_id, attendee_id, probability)`,
    [
      forecasts.map((f) => f.sessionId),
      forecasts.map((f) => f.registrationId),
      forecasts.map((f) => f.attendeeId),
      forecasts.map((f) => f.probability),
      eventId,
      modelVersion,
      computedAt,
    ],
  );
};

/**
 * An event's latest forecast as the API shows it, sessions in start order; a session the
 * attendance read model no longer has (or has no start time for) is left out.
 */
export const readEventForecast = async (db: Queryable, eventId: string) => {
  const { rows } = await db.query<{
    session_id: string;
    registration_id: string;
    attendee_id: string;
    probability: number;
    model_version: number | null;
    computed_at: Date;
  }>(
    `SELECT session_id, registration_id, attendee_id, probability, model_version, computed_at
       FROM rollcall.attendance_forecasts WHERE event_id = $1
      ORDER BY probability DESC, registration_id`,
    [eventId],
  );
  const bySession = new Map<string, typeof rows>();
  for (const row of rows) bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row]);
  const sessions = ((await sessionsOf(db, [eventId])).get(eventId) ?? []).flatMap(({ sessionId, startsAt }) => {
    const forecasts = bySession.get(sessionId);
    return forecasts && startsAt !== null ? [{ sessionId, startsAt, forecasts }] : [];
  });
  const first = sessions[0]?.forecasts[0];
  return {
    eventId,
    modelVersion: first?.model_version ?? null,
    computedAt: first?.computed_at.toISOString() ?? null,
    sessions: sessions.map(({ sessionId, startsAt, forecasts }) => {
      const registrations = forecasts.map((f) => ({ registrationId: f.registration_id, attendeeId: f.attendee_id, probability: f.probability }));
      const { expected, low, high } = expectedAttendance(registrations.map((r) => r.probability));
      return { sessionId, startsAt, registrations, confirmed: registrations.length, expectedAttendance: expected, low, high };
    }),
  };
};
