import type pg from 'pg';
import type { ForecastChanges } from './changes.js';

/**
 * A batch in four statements whatever its size: a rebuild replays every forecast ever recorded,
 * and a session's list of probabilities is written once per batch, not once per forecast.
 */
export const writeChanges = async (client: pg.PoolClient, s: string, { recorded, latest }: ForecastChanges): Promise<void> => {
  if (recorded.length > 0)
    await client.query(
      `INSERT INTO ${s}.session_forecasts
         (commit_position, prepare_position, event_id, session_id, confirmed, expected, low, high, model_version, inputs_position, computed_at)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::uuid[], $5::int[], $6::float8[], $7::int[], $8::int[], $9::int[], $10::text[], $11::timestamptz[])`,
      [
        recorded.map((r) => r.commitPosition),
        recorded.map((r) => r.preparePosition),
        recorded.map((r) => r.eventId),
        recorded.map((r) => r.sessionId),
        recorded.map((r) => r.confirmed),
        recorded.map((r) => r.expected),
        recorded.map((r) => r.low),
        recorded.map((r) => r.high),
        recorded.map((r) => r.modelVersion),
        recorded.map((r) => r.inputsPosition),
        recorded.map((r) => r.computedAt),
      ],
    );
  if (latest.length === 0) return;
  await client.query(
    `DELETE FROM ${s}.registration_forecasts f USING unnest($1::uuid[], $2::uuid[]) AS l(event_id, session_id)
      WHERE f.event_id = l.event_id AND f.session_id = l.session_id`,
    [latest.map((l) => l.eventId), latest.map((l) => l.sessionId)],
  );
  const rows = latest.flatMap(({ eventId, sessionId, registrations }) => registrations.map((r) => ({ eventId, sessionId, ...r })));
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ${s}.registration_forecasts (event_id, session_id, registration_id, probability)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::float8[])`,
    [rows.map((r) => r.eventId), rows.map((r) => r.sessionId), rows.map((r) => r.registrationId), rows.map((r) => r.probability)],
  );
};
