-- A reminder and a forecast are about a registration at a session of one event. Logs written
-- before ids were derived per event can hold two events sharing a session or registration id,
-- so the event joins both keys.
ALTER TABLE rollcall.session_reminders ADD COLUMN event_id uuid;
DO $$
BEGIN
  IF to_regclass('rm_attendance.sessions') IS NOT NULL THEN
    UPDATE rollcall.session_reminders r SET event_id = s.event_id FROM rm_attendance.sessions s WHERE s.session_id = r.session_id;
  END IF;
END $$;
-- A claim whose session the read model does not know is kept, under no event, as a record.
UPDATE rollcall.session_reminders SET event_id = '00000000-0000-0000-0000-000000000000' WHERE event_id IS NULL;
ALTER TABLE rollcall.session_reminders ALTER COLUMN event_id SET NOT NULL;
ALTER TABLE rollcall.session_reminders DROP CONSTRAINT session_reminders_pkey;
ALTER TABLE rollcall.session_reminders ADD PRIMARY KEY (event_id, session_id, registration_id);

ALTER TABLE rollcall.attendance_forecasts DROP CONSTRAINT attendance_forecasts_pkey;
ALTER TABLE rollcall.attendance_forecasts ADD PRIMARY KEY (event_id, session_id, registration_id);
