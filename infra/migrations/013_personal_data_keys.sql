-- One AES-256 key per person, sealed under ROLLCALL_MASTER_KEY; the personal fields of their
-- events are encrypted with it. Erasure nulls the key and keeps the row as a tombstone, so the
-- person never gets a new one (crypto-shredding: the events stay, unreadable).
CREATE TABLE rollcall.personal_data_keys (
  subject_id text PRIMARY KEY,
  sealed_key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  erased_at  timestamptz,
  CHECK ((sealed_key IS NULL) = (erased_at IS NOT NULL))
);
