-- The event log is append-only. The role the app connects as holds no UPDATE, DELETE or
-- TRUNCATE on rollcall.events (src/postgres/app-role.ts); these triggers refuse them to every
-- role, the owner who runs migrations included, so a mistaken statement in a migration or a
-- psql session fails instead of rewriting history. They guard against mistakes, not against
-- the owner: a role that owns the table can still disable them or drop it.
-- SQLSTATE RC002: the event log refused a change.
CREATE FUNCTION rollcall.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'RC002',
    MESSAGE = format('rollcall.events is append-only: %s refused', TG_OP),
    HINT = 'Events are never changed or removed; append an event that corrects or supersedes them.';
END;
$$;

-- Per statement, so even an UPDATE or DELETE that matches no row is refused, and a TRUNCATE
-- (which fires no row triggers) is caught as well.
CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON rollcall.events
  FOR EACH STATEMENT EXECUTE FUNCTION rollcall.refuse_event_change();
