-- The event store: one row per event, one row per stream (its last revision and metadata).
CREATE SCHEMA IF NOT EXISTS rollcall;

CREATE SEQUENCE rollcall.event_position AS bigint START 1 CACHE 1;

CREATE TABLE rollcall.streams (
  stream_id text PRIMARY KEY,
  -- revision of the last event; -1 while the stream has metadata but no event
  revision  bigint NOT NULL,
  metadata  jsonb
);

CREATE TABLE rollcall.events (
  position    bigint PRIMARY KEY,
  stream_id   text NOT NULL,
  revision    bigint NOT NULL,
  event_id    uuid NOT NULL UNIQUE,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  metadata    jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, revision)
);

-- Appends one batch to one stream in a single round trip.
-- Conflicts raise SQLSTATE RC001 (wrong expected revision; DETAIL = actual revision or -1)
-- or RC002 (some event ids stored already, not all of them in this stream).
-- A batch whose ids are all stored in this stream already is an idempotent retry:
-- it returns the original result and writes nothing.
CREATE FUNCTION rollcall.append_events(
  p_stream_id text,
  p_expected  text,  -- 'any' | 'no_stream' | 'stream_exists' | 'exact'
  p_revision  bigint, -- the expected revision when p_expected = 'exact'
  p_ids       uuid[],
  p_types     text[],
  p_data      jsonb[],
  p_metadata  jsonb[]
) RETURNS TABLE (next_revision bigint, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_count   int := cardinality(p_ids);
  v_current bigint;
  v_stored  int;
  v_stored_here int;
BEGIN
  -- Take a transaction id before drawing positions: readers treat a gap as settled only
  -- once every transaction in flight when they saw it has ended, which needs the holder
  -- of the gap to be among them (see src/eventstore/postgres/safe-prefix.ts).
  PERFORM pg_current_xact_id();

  SELECT s.revision INTO v_current FROM rollcall.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO rollcall.streams (stream_id, revision) VALUES (p_stream_id, -1) ON CONFLICT DO NOTHING;
    SELECT s.revision INTO v_current FROM rollcall.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  END IF;

  -- Checked under the stream lock, so a retry racing its original sees the original's outcome.
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_stored, v_stored_here
    FROM rollcall.events e WHERE e.event_id = ANY (p_ids);
  IF v_stored > 0 THEN
    IF v_stored_here = v_count THEN
      RETURN QUERY SELECT max(e.revision), max(e.position) FROM rollcall.events e WHERE e.event_id = ANY (p_ids);
      RETURN;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RC002', MESSAGE = 'event ids already stored';
  END IF;

  IF (p_expected = 'no_stream' AND v_current <> -1)
     OR (p_expected = 'stream_exists' AND v_current = -1)
     OR (p_expected = 'exact' AND v_current IS DISTINCT FROM p_revision) THEN
    RAISE EXCEPTION USING ERRCODE = 'RC001', MESSAGE = 'wrong expected revision', DETAIL = v_current::text;
  END IF;

  UPDATE rollcall.streams SET revision = v_current + v_count WHERE stream_id = p_stream_id;

  RETURN QUERY
  WITH inserted AS (
    INSERT INTO rollcall.events (position, stream_id, revision, event_id, type, data, metadata)
    SELECT nextval('rollcall.event_position'), p_stream_id, v_current + e.ord, e.id, e.type, e.data, e.metadata
      FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
    RETURNING position
  )
  SELECT v_current + v_count, max(inserted.position) FROM inserted;
END;
$$;
