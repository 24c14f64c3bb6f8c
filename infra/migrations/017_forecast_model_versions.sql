-- Forecast models become candidates: every retraining that can fit one stores it, exported to
-- ONNX (what forecasts run on), with the verdict of comparing it with the model in use on the
-- candidate's held-out sessions (src/ml/forecast/promotion.ts). Forecasts use the latest
-- promoted version; a rejected one is kept, with its reason, and never forecasts. Rows are
-- never changed after they are written, so a version's bytes are the same wherever it is cached.
ALTER TABLE rollcall.forecast_models
  -- The first and the last start of the sessions learned from; unknown for models stored before
  -- metrics carried them.
  ADD COLUMN trained_from    timestamptz,
  ADD COLUMN trained_through timestamptz,
  -- The model as an ONNX file naming its features (src/ml/forecast/onnx/); null only for models
  -- stored before 017, which nothing can forecast with any more.
  ADD COLUMN onnx            bytea,
  ADD COLUMN status          text CHECK (status IN ('promoted', 'rejected')),
  ADD COLUMN reason          text,
  ADD COLUMN decided_at      timestamptz,
  -- The model that was in use when this one was decided on, and its scores on this one's
  -- held-out attendances (null when it could not be scored on them).
  ADD COLUMN compared_with   int REFERENCES rollcall.forecast_models (version),
  ADD COLUMN compared_scores jsonb,
  ADD CONSTRAINT forecast_models_compared_with_older CHECK (compared_with < version),
  ADD CONSTRAINT forecast_models_scores_of_compared CHECK (compared_scores IS NULL OR compared_with IS NOT NULL);

-- Until now every model forecast from the moment it was stored, until the next one was: each
-- was in use in its turn, so each counts as promoted. The latest stays the model in use until a
-- retraining replaces it; having no ONNX export, it forecasts nothing meanwhile (the base rate
-- does), and the first retraining replaces it whatever it scores.
UPDATE rollcall.forecast_models
   SET trained_from = (metrics ->> 'trainedFrom')::timestamptz,
       trained_through = (metrics ->> 'trainedThrough')::timestamptz,
       status = 'promoted',
       reason = 'In use from when it was stored: models were not compared before migration 017',
       decided_at = trained_at;

ALTER TABLE rollcall.forecast_models
  ALTER COLUMN status SET NOT NULL,
  ALTER COLUMN reason SET NOT NULL,
  ALTER COLUMN decided_at SET NOT NULL;
