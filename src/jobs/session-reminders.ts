import type pg from 'pg';
import { deterministicId } from '../commands/deterministic-id.js';
import { liveSchema } from '../projections/runner.js';
import { localTime } from './local-time.js';
import type { MailJobs, ReminderSubject } from './mailer.js';

/** Every five minutes: reminders for sessions that start within the next day. */
export const SESSION_REMINDER_CRON = '*/5 * * * *';
export const REMINDER_WINDOW_HOURS = 24;

interface DueReminder {
  event_id: string;
  session_id: string;
  registration_id: string;
  email: string;
  name: string | null;
  /** Null where the log holds a value the read model could not store. */
  title: string | null;
  venue: string | null;
  time_zone: string | null;
  starts_at: Date;
}

/** Sessions (s) of published events (e) with each confirmed registration (r) of an enabled account (a) with an address: whom reminders are for. */
const remindable = (attendance = liveSchema('attendance')): string => `${attendance}.sessions s
  JOIN ${attendance}.events e ON e.event_id = s.event_id AND e.status = 'published'
  JOIN ${attendance}.registrations r ON r.event_id = s.event_id AND r.status = 'confirmed'
  JOIN ${liveSchema('accounts')}.accounts a ON a.account_id = r.attendee_id AND a.status <> 'disabled' AND a.email IS NOT NULL`;

/** Whether a queued reminder still applies as it is sent: the same conditions the sweep chose it by. */
export const reminderStillDue =
  (pool: pg.Pool, now: () => Date = () => new Date()) =>
  async ({ eventId, sessionId, registrationId }: ReminderSubject): Promise<boolean> => {
    // Reminders queued before they named their event match on the other two ids alone.
    const { rowCount } = await pool.query(
      `SELECT 1 FROM ${remindable()}
        WHERE s.session_id = $1 AND r.registration_id = $2 AND s.starts_at > $3 AND ($4::uuid IS NULL OR s.event_id = $4)
        LIMIT 1`,
      [sessionId, registrationId, now(), eventId ?? null],
    );
    return rowCount === 1;
  };

/**
 * The `session-reminder` sweep: claims every confirmed attendee of a published event whose
 * session starts within the window and has no reminder yet, and queues their mail, in one
 * transaction (the mail jobs are sent on it), so a sweep that fails or overlaps another
 * queues each reminder once. Attendees the accounts read model lacks wait for a later sweep;
 * disabled accounts get none.
 */
export const sweepSessionReminders = async (deps: { pool: pg.Pool; mail: MailJobs }, now = new Date()): Promise<{ queued: number }> => {
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<DueReminder>(
      `WITH due AS (
         SELECT s.event_id, s.session_id, r.registration_id, a.email, a.name, e.title, e.venue, e.time_zone, s.starts_at
           FROM ${remindable()}
          WHERE s.starts_at > $1 AND s.starts_at <= $1 + make_interval(hours => $2)
       ), claimed AS (
         INSERT INTO rollcall.session_reminders (event_id, session_id, registration_id)
         SELECT event_id, session_id, registration_id FROM due
         ON CONFLICT DO NOTHING
         RETURNING event_id, session_id, registration_id
       )
       SELECT due.* FROM due JOIN claimed USING (event_id, session_id, registration_id)`,
      [now, REMINDER_WINDOW_HOURS],
    );
    const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
    for (const row of rows) {
      const [title, venue] = [row.title ?? 'Your event', row.venue ?? 'the venue'];
      await deps.mail.enqueue(
        {
          kind: 'session-reminder',
          to: row.email,
          subject: `Reminder: ${title} starts soon`,
          text: `Hello ${row.name ?? ''},\n\n${title} starts ${localTime(row.starts_at, row.time_zone ?? 'UTC')} at ${venue}. Bring your ticket's QR code.\n`,
          token: '',
          reminder: { eventId: row.event_id, sessionId: row.session_id, registrationId: row.registration_id },
        },
        {
          id: deterministicId('session-reminder', row.event_id, row.session_id, row.registration_id),
          singletonKey: `${row.event_id}:${row.session_id}:${row.registration_id}`,
          db,
        },
      );
    }
    await client.query('COMMIT');
    return { queued: rows.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
