-- Imports of attendee lists (src/imports/import-jobs.ts owns both tables): each committed
-- import's progress while it runs, then its report. No address or name is kept here: a row of
-- the report names its account, whose personal data stays in the log, sealed and erasable.

CREATE TABLE rollcall.attendee_imports (
  import_id    uuid PRIMARY KEY,
  event_id     text NOT NULL,
  requested_by text NOT NULL,
  state        text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  row_count    integer NOT NULL,
  steps_total  integer NOT NULL,
  steps_done   integer NOT NULL DEFAULT 0,
  -- Rows per outcome, once done.
  counts       jsonb NOT NULL DEFAULT '{}',
  -- Why it failed: a refusal's sentence, or "internal error" (the cause is in the log).
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  -- Touched while it runs: a running import not touched for a while died with its process.
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX attendee_imports_by_event ON rollcall.attendee_imports (event_id, started_at DESC);

CREATE TABLE rollcall.attendee_import_rows (
  import_id       uuid NOT NULL REFERENCES rollcall.attendee_imports ON DELETE CASCADE,
  row_number      integer NOT NULL,
  outcome         text NOT NULL,
  status          text,
  account_id      text,
  registration_id text,
  message         text,
  PRIMARY KEY (import_id, row_number)
);
