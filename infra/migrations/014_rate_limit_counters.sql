-- Rate limit counters shared by every API process (src/rate-limits/postgres-counters.ts owns
-- the table): one fixed window per limit and subject, moved on with one atomic upsert. Subjects
-- appear only as their keyed hash (HMAC-SHA-256 under ROLLCALL_MASTER_KEY, purpose `throttle`),
-- so the table holds no address, IP or session id.
--
-- UNLOGGED: counters are worth less than the write-ahead log they would cost on every request.
-- After a crash (or on a promoted replica) they start at zero, which lets at most one window's
-- worth of attempts through again.
CREATE UNLOGGED TABLE rollcall.rate_limit_counters (
  key         text PRIMARY KEY,
  hits        integer NOT NULL,
  window_ends timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_by_end ON rollcall.rate_limit_counters (window_ends);
