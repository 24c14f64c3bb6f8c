-- Webhooks (src/webhooks/ owns these tables): HTTPS endpoints that organizers and admins
-- subscribe to integration event types, and the deliveries made to them. A webhook's
-- signing secret is sealed under the master key: whoever reads the database alone cannot
-- sign a message its receiver would believe.

CREATE TABLE rollcall.webhooks (
  webhook_id      uuid PRIMARY KEY,
  owner_id        text NOT NULL,
  -- The event whose streams it hears; null for every event (admins only).
  event_id        text,
  url             text NOT NULL,
  event_types     text[] NOT NULL,
  secret_sealed   bytea NOT NULL,
  status          text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- Why it was disabled: gone (its receiver answered 410), failing (3 days of failures), owner.
  disabled_reason text CHECK (disabled_reason IN ('gone', 'failing', 'owner')),
  -- The first failed attempt since the last delivered one.
  failing_since   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_by_owner ON rollcall.webhooks (owner_id, created_at);

-- One row per webhook and source stream, locked while a delivery of that stream is queued
-- or finished: the mutex that keeps one stream's deliveries to one webhook in order.
CREATE TABLE rollcall.webhook_lanes (
  webhook_id uuid NOT NULL REFERENCES rollcall.webhooks ON DELETE CASCADE,
  stream_id  text NOT NULL,
  PRIMARY KEY (webhook_id, stream_id)
);

CREATE TABLE rollcall.webhook_deliveries (
  -- Derived from the webhook and the event (src/webhooks/routing.ts): one delivery per pair.
  delivery_id  uuid PRIMARY KEY,
  -- Log order within a webhook: one stream's deliveries go out by it.
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  webhook_id   uuid NOT NULL REFERENCES rollcall.webhooks ON DELETE CASCADE,
  event_id     uuid NOT NULL,
  event_type   text NOT NULL,
  stream_id    text NOT NULL,
  -- The published integration event, exactly as signed and sent on every attempt.
  body         text NOT NULL,
  -- waiting: behind an earlier delivery of its stream; queued: its job is out.
  status       text NOT NULL CHECK (status IN ('waiting', 'queued', 'delivered', 'failed', 'cancelled')),
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  first_attempt_at timestamptz,
  finished_at  timestamptz
);
CREATE INDEX webhook_deliveries_unfinished ON rollcall.webhook_deliveries (webhook_id, stream_id, seq) WHERE status IN ('waiting', 'queued');
CREATE INDEX webhook_deliveries_by_webhook ON rollcall.webhook_deliveries (webhook_id, seq DESC);

CREATE TABLE rollcall.webhook_attempts (
  delivery_id      uuid NOT NULL REFERENCES rollcall.webhook_deliveries ON DELETE CASCADE,
  attempt          integer NOT NULL,
  attempted_at     timestamptz NOT NULL,
  -- Null when no response came (refused address, connection error, timeout).
  status_code      integer,
  latency_ms       integer NOT NULL,
  response_excerpt text,
  error            text,
  PRIMARY KEY (delivery_id, attempt)
);
