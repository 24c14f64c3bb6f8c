-- Which log a checkpoint's position belongs to. A position means nothing outside its log: set
-- EVENTSTORE_URL on a database whose checkpoints were taken in rollcall.events (or point it at
-- another cluster) and every follower would resume at an unrelated place. Each checkpoint now
-- carries the store's kind and id (src/log-follower/checkpoints.ts refuses a mismatch); the
-- PostgreSQL store's id is drawn here once, and travels with the log in a dump or a replica.
CREATE TABLE rollcall.event_store_identity (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  store_id uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO rollcall.event_store_identity DEFAULT VALUES;

-- NULL: not known yet; the next follower to take the checkpoint stamps its store there.
ALTER TABLE rollcall.checkpoints
  ADD COLUMN store_kind text CHECK (store_kind IN ('postgres', 'eventstoredb', 'memory')),
  ADD COLUMN store_id text,
  ADD CONSTRAINT checkpoints_store_kind_and_id CHECK ((store_kind IS NULL) = (store_id IS NULL));

-- Checkpoints that handled something were taken in rollcall.events when it holds events: a
-- deployment on EventStoreDB never writes there. Otherwise their store cannot be told now, and
-- the next follower's store adopts them as before.
UPDATE rollcall.checkpoints
   SET store_kind = 'postgres', store_id = (SELECT store_id::text FROM rollcall.event_store_identity)
 WHERE commit_position >= 0 AND EXISTS (SELECT 1 FROM rollcall.events);
