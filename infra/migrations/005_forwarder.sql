-- How far each Kafka forwarder has published the log. The forwarder moves its checkpoint
-- only after Kafka acknowledged every event up to it, so after a crash it publishes again
-- from here: events may arrive twice (consumers dedupe by event id), never not at all.
-- -1/-1 means "nothing published yet".
CREATE TABLE rollcall.forwarder_checkpoints (
  name             text PRIMARY KEY,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
