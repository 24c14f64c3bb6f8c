-- Where each projection is in the log. The runner moves a checkpoint in the same
-- transaction as the read-model rows of the batch it applied, so the two never disagree.
-- A projection that failed before applying anything keeps -1/-1 ("from the beginning").
CREATE TABLE rollcall.projection_checkpoints (
  name             text PRIMARY KEY,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped', 'failed')),
  failure          jsonb
);
