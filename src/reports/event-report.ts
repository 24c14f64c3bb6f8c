import { knownTimeZone } from '../domain/event/sessions.js';
import type { EventFigures } from '../projections/reports/queries.js';

/**
 * An event's report from its read-model figures: days counted in the event's own time zone,
 * no-shows once a session is over. Pure, so each figure is tested without a database.
 *
 * A session's no-shows are the registrations confirmed now, and since before the session
 * ended (a quarter hour's precision), whose ticket is not checked in there: someone who
 * registered for a series after its first session is no no-show of that one.
 */

const MINUTE = 60_000;

/** Formats of calendar dates (YYYY-MM-DD, as en-CA writes them), by zone: making one takes longer than a report's arithmetic. */
const dayFormats = new Map<string, { timeZone: string; format: Intl.DateTimeFormat }>();

/** The event's zone as the read model stored it (one it knew, or null), and UTC for none or one this runtime does not know. */
const daysIn = (zone: string | null) => {
  const key = zone ?? 'UTC';
  let days = dayFormats.get(key);
  if (!days) {
    const timeZone = knownTimeZone(key) ?? 'UTC';
    days = { timeZone, format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }) };
    dayFormats.set(key, days);
  }
  return days;
};

/**
 * Registrations per local day. The read model counts them by quarter hour of UTC, and every
 * zone's offset is a whole number of quarter hours, so a quarter hour never straddles two
 * local days: the days stay exact when the event's zone changes.
 */
const perDay = (times: EventFigures['registrationTimes'], format: Intl.DateTimeFormat) => {
  const days = new Map<string, number>();
  for (const { quarterHour, registrations } of times) {
    const day = format.format(quarterHour);
    days.set(day, (days.get(day) ?? 0) + registrations);
  }
  return [...days].map(([day, registrations]) => ({ day, registrations }));
};

const byReason = (refusals: readonly { reason: string; scans: number }[]) => {
  const reasons = new Map<string, number>();
  for (const { reason, scans } of refusals) reasons.set(reason, (reasons.get(reason) ?? 0) + scans);
  return [...reasons].sort(([a], [b]) => a.localeCompare(b)).map(([reason, scans]) => ({ reason, scans }));
};

/** A share, or null where there is nothing to share out. */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Who was expected at a session that is over and who of them did not come; undefined before its end, when they still may. */
const absentees = (confirmations: EventFigures['confirmationTimes'], session: EventFigures['sessions'][number], now: Date) => {
  const { endsAt } = session;
  if (endsAt === null || endsAt > now) return undefined;
  const expected = confirmations.filter((slot) => slot.quarterHour < endsAt).reduce((sum, slot) => sum + slot.confirmed, 0);
  return { expected, noShows: Math.max(0, expected - session.checkedInConfirmed) };
};

export const eventReport = (eventId: string, figures: EventFigures, now: Date) => {
  const { timeZone, format } = daysIn(figures.timeZone);
  const { confirmed } = figures.counts;
  return {
    eventId,
    title: figures.title,
    timeZone,
    registrationsPerDay: perDay(figures.registrationTimes, format),
    approvalTurnaround: { approvals: figures.approvals.count, medianSeconds: figures.approvals.medianSeconds, p90Seconds: figures.approvals.p90Seconds },
    registrations: {
      pending: figures.counts.pending,
      confirmed,
      waitlisted: figures.counts.waitlisted,
      cancelled: figures.counts.cancelled,
      rejected: figures.counts.rejected,
    },
    attended: figures.counts.attended,
    showUpRate: ratio(figures.counts.attended, confirmed),
    unusedTickets: figures.counts.unusedTickets,
    refusals: byReason(figures.refusals),
    sessions: figures.sessions.map((session) => {
      const absent = absentees(figures.confirmationTimes, session, now);
      return {
        sessionId: session.sessionId,
        startsAt: session.startsAt?.toISOString() ?? null,
        endsAt: session.endsAt?.toISOString() ?? null,
        checkedIn: session.checkedIn,
        noShows: absent?.noShows ?? null,
        noShowRate: absent ? ratio(absent.noShows, absent.expected) : null,
        arrivals: figures.arrivals
          .filter((slot) => slot.sessionId === session.sessionId)
          .map((slot) => ({
            startsAt: slot.fiveMinutes.toISOString(),
            minutesFromStart: session.startsAt ? Math.round((slot.fiveMinutes.getTime() - session.startsAt.getTime()) / MINUTE) : null,
            checkIns: slot.checkIns,
          })),
        refusals: byReason(figures.refusals.filter((refusal) => refusal.sessionId === session.sessionId)),
      };
    }),
  };
};

export type EventReport = ReturnType<typeof eventReport>;
