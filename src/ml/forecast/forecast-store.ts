import type pg from 'pg';
import { liveSchema } from '../../projections/runner.js';
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

// First key of the two-key advisory lock (the second is hashtext(eventId)); 7_301_001-006 are taken.
const FORECAST_LOCK_CLASS = 7_301_010;

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
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [FORECAST_LOCK_CLASS, eventId]);
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

/** An event's latest forecast as the API shows it, sessions in start order. */
export const readEventForecast = async (db: Queryable, eventId: string) => {
  const { rows } = await db.query<{
    session_id: string;
    starts_at: Date;
    registration_id: string;
    attendee_id: string;
    probability: number;
    model_version: number | null;
    computed_at: Date;
  }>(
    `SELECT f.session_id, s.starts_at, f.registration_id, f.attendee_id, f.probability, f.model_version, f.computed_at
       FROM rollcall.attendance_forecasts f JOIN ${liveSchema('attendance')}.sessions s ON s.event_id = f.event_id AND s.session_id = f.session_id
      WHERE f.event_id = $1
      ORDER BY s.starts_at, f.session_id, f.probability DESC, f.registration_id`,
    [eventId],
  );
  const sessions = new Map<string, { sessionId: string; startsAt: string; registrations: { registrationId: string; attendeeId: string; probability: number }[] }>();
  for (const row of rows) {
    const session = sessions.get(row.session_id) ?? { sessionId: row.session_id, startsAt: row.starts_at.toISOString(), registrations: [] };
    session.registrations.push({ registrationId: row.registration_id, attendeeId: row.attendee_id, probability: row.probability });
    sessions.set(row.session_id, session);
  }
  return {
    eventId,
    modelVersion: rows[0]?.model_version ?? null,
    computedAt: rows[0]?.computed_at.toISOString() ?? null,
    sessions: [...sessions.values()].map((session) => {
      const { expected, low, high } = expectedAttendance(session.registrations.map((r) => r.probability));
      return { ...session, confirmed: session.registrations.length, expectedAttendance: expected, low, high };
    }),
  };
};
