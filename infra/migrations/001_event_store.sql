-- The event store: one row per event; streams exist through their events.
CREATE SCHEMA IF NOT EXISTS rollcall;

CREATE SEQUENCE rollcall.event_position AS bigint START 1 CACHE 1;

CREATE TABLE rollcall.stream_metadata (
  stream_id text PRIMARY KEY,
  metadata  jsonb NOT NULL
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

-- Appends one batch to one stream in one round trip. Optimistic concurrency rests on the
-- unique (stream_id, revision): two appends racing for the same revision cannot both
-- commit, so no stream row is locked or rewritten on the way. Raises SQLSTATE RC001 when
-- the stream is not at the expected revision (DETAIL = its revision, -1 when empty).
-- A unique violation (23505) means a race was lost or an event id is stored already;
-- the caller tells which with rollcall.appended_before.
CREATE FUNCTION rollcall.append_events(
  p_stream_id text,
  p_expected  text,   -- 'any' | 'no_stream' | 'stream_exists' | 'exact'
  p_revision  bigint, -- the expected revision when p_expected = 'exact'
  p_events    jsonb   -- [{id, type, data, metadata}, ...]
) RETURNS TABLE (next_revision bigint, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_current bigint;
BEGIN
  -- Take a transaction id before drawing positions: readers treat a gap as settled only
  -- once every transaction in flight when they saw it has ended, which needs the holder
  -- of the gap to be among them (see src/eventstore/postgres/safe-prefix.ts).
  PERFORM pg_current_xact_id();

  SELECT coalesce(max(e.revision), -1) INTO v_current FROM rollcall.events e WHERE e.stream_id = p_stream_id;
  IF (p_expected = 'no_stream' AND v_current <> -1)
     OR (p_expected = 'stream_exists' AND v_current = -1)
     OR (p_expected = 'exact' AND v_current <> p_revision) THEN
    RAISE EXCEPTION USING ERRCODE = 'RC001', MESSAGE = 'wrong expected revision', DETAIL = v_current::text;
  END IF;

  RETURN QUERY
  WITH inserted AS (
    INSERT INTO rollcall.events (position, stream_id, revision, event_id, type, data, metadata)
    SELECT nextval('rollcall.event_position'), p_stream_id, v_current + e.ord,
           (e.event->>'id')::uuid, e.event->>'type', e.event->'data', e.event->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(event, ord)
    RETURNING revision, position
  )
  SELECT max(inserted.revision), max(inserted.position) FROM inserted;
END;
$$;

-- What earlier appends stored of these event ids: tells an idempotent retry (all of them,
-- in this stream) from a reuse of ids (some of them, or in another stream).
CREATE FUNCTION rollcall.appended_before(p_stream_id text, p_ids uuid[])
RETURNS TABLE (stored int, stored_here int, next_revision bigint, last_position bigint)
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int, (count(*) FILTER (WHERE e.stream_id = p_stream_id))::int, max(e.revision), max(e.position)
    FROM rollcall.events e WHERE e.event_id = ANY (p_ids);
$$;
