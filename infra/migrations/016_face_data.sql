-- Face verification's biometric data, kept outside the event log and sealed (AES-256-GCM) under
-- each attendee's own personal-data key (rollcall.personal_data_keys): erasing the key leaves
-- these rows unreadable, and erasures delete them too. No plaintext embedding or photo is
-- ever stored, here or anywhere.

-- An attendee's enrolled face: one row per enrollment photo's embedding, named by the
-- reference the FaceEnrolled event carries. A new enrollment replaces every row of the account.
CREATE TABLE rollcall.face_embeddings (
  reference  uuid PRIMARY KEY,
  account_id text NOT NULL,
  sealed     bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX face_embeddings_by_account ON rollcall.face_embeddings (account_id);

-- A door photo between the scan that held the ticket (CheckInAwaitingFace) and the face
-- verification reactor's verdict: keyed by the check-in stream and the scan, deleted once
-- judged, swept after 10 minutes (the door-photo-sweep job) if it never was.
CREATE TABLE rollcall.door_photos (
  stream_id   text NOT NULL,
  scan_id     text NOT NULL,
  attendee_id text NOT NULL,
  sealed      bytea NOT NULL,
  taken_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, scan_id)
);
CREATE INDEX door_photos_by_age ON rollcall.door_photos (taken_at);
CREATE INDEX door_photos_by_attendee ON rollcall.door_photos (attendee_id);
