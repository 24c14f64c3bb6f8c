-- Which session reminders were queued, one row per session and registration. pg-boss's
-- singletonKey does not make a standard queue refuse a second job, and finished jobs are
-- archived after a while: this ledger is what makes "once per attendee and session" hold.
CREATE TABLE rollcall.session_reminders (
  session_id      uuid NOT NULL,
  registration_id uuid NOT NULL,
  queued_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, registration_id)
);
