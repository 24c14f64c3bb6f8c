import type pg from 'pg';
import { LIVE_ACCOUNTS } from '../accounts/tables.js';
import { LIVE } from './tables.js';

/** Whom session reminders are for, as the read models have it now. */

/** Sessions (s) of published events (e) with each confirmed registration (r) of an enabled, unerased account (a) with an address. */
const REMINDABLE = `${LIVE}.sessions s
  JOIN ${LIVE}.events e ON e.event_id = s.event_id AND e.status = 'published'
  JOIN ${LIVE}.registrations r ON r.event_id = s.event_id AND r.status = 'confirmed'
  JOIN ${LIVE_ACCOUNTS} a ON a.account_id = r.attendee_id AND a.status IN ('unverified', 'active') AND a.email IS NOT NULL`;

export interface DueReminder {
  eventId: string;
  sessionId: string;
  registrationId: string;
  attendeeId: string;
  email: string;
  name: string | null;
  /** Null where the log holds a value the read model could not store. */
  title: string | null;
  venue: string | null;
  timeZone: string | null;
  startsAt: Date;
}

/** A reminder for each attendee of each session that starts after `now` and within `hours`. Attendees the accounts read model lacks are not among them yet. */
export const dueReminders = async (db: pg.Pool | pg.PoolClient, now: Date, hours: number): Promise<DueReminder[]> => {
  const { rows } = await db.query(
    `SELECT s.event_id, s.session_id, r.registration_id, r.attendee_id, a.email, a.name, e.title, e.venue, e.time_zone, s.starts_at
       FROM ${REMINDABLE}
      WHERE s.starts_at > $1 AND s.starts_at <= $1 + make_interval(hours => $2)`,
    [now, hours],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    sessionId: row.session_id,
    registrationId: row.registration_id,
    attendeeId: row.attendee_id,
    email: row.email,
    name: row.name,
    title: row.title,
    venue: row.venue,
    timeZone: row.time_zone,
    startsAt: row.starts_at,
  }));
};

/** Whether a reminder still applies as it is sent: the same conditions {@link dueReminders} chose it by, its session not started. */
export const isReminderDue = async (
  db: pg.Pool | pg.PoolClient,
  reminder: { eventId?: string | undefined; sessionId: string; registrationId: string },
  now: Date,
): Promise<boolean> => {
  // Reminders queued before they named their event match on the other two ids alone.
  const { rowCount } = await db.query(
    `SELECT 1 FROM ${REMINDABLE}
      WHERE s.session_id = $1 AND r.registration_id = $2 AND s.starts_at > $3 AND ($4::uuid IS NULL OR s.event_id = $4)
      LIMIT 1`,
    [reminder.sessionId, reminder.registrationId, now, reminder.eventId ?? null],
  );
  return rowCount === 1;
};
