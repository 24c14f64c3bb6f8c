import { liveSchema } from '../runner.js';

/**
 * Attendance forecasts as recorded (AttendanceForecasted on the `forecast-<eventId>` streams):
 * every forecast's figures, which answer "what was predicted when", and the latest forecast's
 * probability for each registration of each session. Past forecasts' probabilities stay in the
 * log (streamHistory): the read model keeps one list per session, not one per refresh.
 */

export const FORECASTS = 'forecasts';

/** Where the live tables are; only this folder's queries read them. */
export const LIVE = liveSchema(FORECASTS);

export const TABLES = ['session_forecasts', 'registration_forecasts'] as const;

export const VERSION = 1;

/**
 * A forecast is keyed by its whole position (on EventStoreDB the events of one append share
 * their commit position), which also orders a session's forecasts. Figures a forecast cannot
 * do without are NOT NULL: an event missing one is left out whole, and reported.
 */
export const createTables = (s: string): string => `
  CREATE TABLE IF NOT EXISTS ${s}.session_forecasts (
    commit_position bigint NOT NULL,
    prepare_position bigint NOT NULL,
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    confirmed int NOT NULL,
    expected double precision NOT NULL,
    low int NOT NULL,
    high int NOT NULL,
    model_version int,
    inputs_position text,
    computed_at timestamptz,
    PRIMARY KEY (commit_position, prepare_position)
  );
  CREATE INDEX IF NOT EXISTS session_forecasts_by_event ON ${s}.session_forecasts (event_id, commit_position, prepare_position);
  CREATE INDEX IF NOT EXISTS session_forecasts_by_session ON ${s}.session_forecasts (event_id, session_id, commit_position, prepare_position);
  CREATE TABLE IF NOT EXISTS ${s}.registration_forecasts (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    registration_id uuid NOT NULL,
    probability double precision NOT NULL,
    PRIMARY KEY (event_id, session_id, registration_id)
  );`;
