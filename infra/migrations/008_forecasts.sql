-- Attendance forecasts: who will actually show up.
-- Every retraining that could fit a model adds a version; the newest one forecasts. `kind`
-- says how to read `parameters` (standardisation and weights for 'logistic-regression'),
-- and `feature_names` their order, so another kind of model can be stored beside it.
CREATE TABLE rollcall.forecast_models (
  version       int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL,
  trained_at    timestamptz NOT NULL,
  examples      int NOT NULL,
  feature_names text[] NOT NULL,
  parameters    jsonb NOT NULL,
  -- Scores on the latest sessions held out, beside the base-rate baseline.
  metrics       jsonb NOT NULL
);

-- The latest forecast of each upcoming session's confirmed registrations; a refresh replaces
-- an event's rows in one transaction. A null model version is the base-rate fallback.
CREATE TABLE rollcall.attendance_forecasts (
  session_id      uuid NOT NULL,
  registration_id uuid NOT NULL,
  event_id        uuid NOT NULL,
  attendee_id     text NOT NULL,
  probability     double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
  model_version   int REFERENCES rollcall.forecast_models (version),
  computed_at     timestamptz NOT NULL,
  PRIMARY KEY (session_id, registration_id)
);
CREATE INDEX attendance_forecasts_by_event ON rollcall.attendance_forecasts (event_id);
