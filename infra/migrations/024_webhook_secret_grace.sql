-- A rotated webhook secret keeps signing beside its successor for a day (src/webhooks/webhooks.ts),
-- so a receiver can switch to the new one without refusing deliveries in between.
ALTER TABLE rollcall.webhooks
  ADD COLUMN previous_secret_sealed bytea,
  ADD COLUMN previous_secret_until timestamptz;
