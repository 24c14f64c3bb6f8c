-- Workers that react to integration events (ml-worker and other reactors).
-- On the embedded default a consumer follows the event store from its checkpoint; on Kafka
-- the consumer group keeps offsets and `consumer_processed` drops redeliveries.
CREATE TABLE rollcall.consumer_checkpoints (
  consumer         text PRIMARY KEY,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rollcall.consumer_processed (
  consumer     text NOT NULL,
  event_id     uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Poison messages: what a handler kept failing on after its retries, for an admin to look
-- at and replay. One row per consumer and event.
CREATE TABLE rollcall.dead_letters (
  consumer  text NOT NULL,
  event_id  uuid NOT NULL,
  event     jsonb NOT NULL,
  error     text NOT NULL,
  attempts  int NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- How far behind each consumer is, as it last reported (every few seconds), for /metrics and
-- the admin status views: in events on the embedded default, in messages on Kafka.
CREATE TABLE rollcall.consumer_lag (
  consumer    text PRIMARY KEY,
  mode        text NOT NULL CHECK (mode IN ('store', 'kafka')),
  lag         bigint NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now()
);
