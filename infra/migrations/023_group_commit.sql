-- Group commit (src/eventstore/postgres/group-commit.ts): appends to several streams in one
-- transaction, so concurrent writers share a round trip and a WAL flush. Each append runs in
-- a block of its own (a subtransaction), so the one that fails is rolled back alone and
-- reports why, and its neighbours still commit: RC001 with the stream's revision when the
-- expectation was wrong, 23505 with the constraint when a race was lost or an id is stored
-- already, 40P01 when it was chosen to break a deadlock. The caller sends the appends sorted
-- by stream, so groups from several processes take their locks in one order.
CREATE FUNCTION rollcall.append_to_streams(
  p_appends jsonb -- [{stream, expected, revision, events: [{id, type, data, metadata}, ...]}, ...]
) RETURNS TABLE (
  entry              int,
  next_revision      bigint,
  last_position      bigint,
  failure            text,
  failure_detail     text,
  failure_constraint text
)
LANGUAGE plpgsql AS $$
DECLARE
  v_append jsonb;
  v_entry  int;
BEGIN
  -- As in append_events: readers must see this transaction among those holding a gap.
  PERFORM pg_current_xact_id();
  FOR v_append, v_entry IN SELECT a.value, a.ord FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a(value, ord) LOOP
    entry := v_entry;
    next_revision := NULL;
    last_position := NULL;
    failure := NULL;
    failure_detail := NULL;
    failure_constraint := NULL;
    BEGIN
      SELECT r.next_revision, r.last_position INTO next_revision, last_position
        FROM rollcall.append_events(v_append->>'stream', v_append->>'expected', (v_append->>'revision')::bigint, v_append->'events') r;
    EXCEPTION
      WHEN SQLSTATE 'RC001' THEN
        failure := 'RC001';
        GET STACKED DIAGNOSTICS failure_detail = PG_EXCEPTION_DETAIL;
      WHEN unique_violation THEN
        failure := '23505';
        GET STACKED DIAGNOSTICS failure_constraint = CONSTRAINT_NAME;
      WHEN deadlock_detected THEN
        failure := '40P01';
    END;
    RETURN NEXT;
  END LOOP;
END;
$$;
