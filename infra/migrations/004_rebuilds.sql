-- Rebuilds and verifications in progress: how far the shadow schema `target` (e.g.
-- rm_attendance__rebuild) has been built. Moved in the same transaction as the shadow's
-- rows, so a rebuild killed half-way resumes exactly where its last batch committed. The
-- row goes away in the swap transaction that renames the shadow schema to the live one.
CREATE TABLE rollcall.projection_rebuilds (
  target           text PRIMARY KEY,
  projection       text NOT NULL,
  purpose          text NOT NULL CHECK (purpose IN ('rebuild', 'verify')),
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  applied          bigint NOT NULL DEFAULT 0,
  -- Set once the shadow has caught up: a live runner of the projection hands its lock over.
  swap_requested_at timestamptz,
  started_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
