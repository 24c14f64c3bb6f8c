-- One checkpoint table for everything that follows the log (src/log-follower/checkpoints.ts
-- owns it): projections, Kafka forwarders and reactors on the embedded default, told apart by
-- `kind`. A follower moves its row fenced by the position it last wrote, with the read-model
-- rows of the batch (projections) or after the batch was handed on (forwarders, reactors).
-- -1/-1 means "nothing handled yet"; `failure` says which event a follower stopped at.
CREATE TABLE rollcall.checkpoints (
  kind             text NOT NULL CHECK (kind IN ('projection', 'forwarder', 'reactor')),
  name             text NOT NULL,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  status           text NOT NULL DEFAULT 'stopped' CHECK (status IN ('running', 'stopped', 'failed')),
  failure          jsonb,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, name)
);

INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position, status, failure, updated_at)
SELECT 'projection', name, commit_position, prepare_position, status, failure, updated_at FROM rollcall.projection_checkpoints;

-- Forwarders and reactors kept no status: none of them runs on this table yet, and the next
-- to take its lock marks itself running.
INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position, updated_at)
SELECT 'forwarder', name, commit_position, prepare_position, updated_at FROM rollcall.forwarder_checkpoints;

INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position, updated_at)
SELECT 'reactor', consumer, commit_position, prepare_position, updated_at FROM rollcall.consumer_checkpoints;

DROP TABLE rollcall.projection_checkpoints, rollcall.forwarder_checkpoints, rollcall.consumer_checkpoints;
