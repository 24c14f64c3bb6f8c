import type pg from 'pg';
import { deterministicId } from '../commands/deterministic-id.js';
import { dueReminders, isReminderDue } from '../projections/attendance/reminder-queries.js';
import { localTime } from './local-time.js';
import type { MailJobs, ReminderSubject } from './mailer.js';
import { inTransaction } from '../postgres/transaction.js';

/** Every five minutes: reminders for sessions that start within the next day. */
export const SESSION_REMINDER_CRON = '*/5 * * * *';
export const REMINDER_WINDOW_HOURS = 24;

/** Whether a queued reminder still applies as it is sent: the same conditions the sweep chose it by. */
export const reminderStillDue =
  (pool: pg.Pool, now: () => Date = () => new Date()) =>
  (reminder: ReminderSubject): Promise<boolean> =>
    isReminderDue(pool, reminder, now());

/**
 * The `session-reminder` sweep: claims every confirmed attendee of a published event whose
 * session starts within the window and has no reminder yet (the `rollcall.session_reminders`
 * ledger), and queues their mail, in one transaction (the mail jobs are sent on it), so a
 * sweep that fails or overlaps another queues each reminder once. Attendees the accounts read
 * model lacks wait for a later sweep; disabled accounts get none.
 */
export const sweepSessionReminders = async (deps: { pool: pg.Pool; mail: MailJobs }, now = new Date()): Promise<{ queued: number }> => {
  return inTransaction(deps.pool, async (client) => {
    const due = await dueReminders(client, now, REMINDER_WINDOW_HOURS);
    const { rows: claimed } = await client.query<{ event_id: string; session_id: string; registration_id: string }>(
      `INSERT INTO rollcall.session_reminders (event_id, session_id, registration_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])
       ON CONFLICT DO NOTHING
       RETURNING event_id, session_id, registration_id`,
      [due.map((r) => r.eventId), due.map((r) => r.sessionId), due.map((r) => r.registrationId)],
    );
    const key = (r: { eventId: string; sessionId: string; registrationId: string }) => `${r.eventId}:${r.sessionId}:${r.registrationId}`;
    const ours = new Set(claimed.map((row) => key({ eventId: row.event_id, sessionId: row.session_id, registrationId: row.registration_id })));
    const reminders = due.filter((reminder) => ours.has(key(reminder)));
    const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
    for (const reminder of reminders) {
      const [title, venue] = [reminder.title ?? 'Your event', reminder.venue ?? 'the venue'];
      await deps.mail.enqueue(
        reminder.attendeeId,
        {
          kind: 'session-reminder',
          to: reminder.email,
          subject: `Reminder: ${title} starts soon`,
          text: `Hello ${reminder.name ?? ''},\n\n${title} starts ${localTime(reminder.startsAt, reminder.timeZone ?? 'UTC')} at ${venue}. Bring your ticket's QR code.\n`,
          token: '',
        },
        { reminder: { eventId: reminder.eventId, sessionId: reminder.sessionId, registrationId: reminder.registrationId } },
        {
          id: deterministicId('session-reminder', reminder.eventId, reminder.sessionId, reminder.registrationId),
          singletonKey: key(reminder),
          db,
        },
      );
    }
    return { queued: reminders.length };
  });
};
