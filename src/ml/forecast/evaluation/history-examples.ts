import type { HistoryRecord } from '../history-record.js';
import type { LabelledExample } from '../training.js';

/**
 * A history's records as training examples. What the file does not say is counted from it:
 * a session's place in its event's series (by start time) and its confirmed registrations.
 */
export const examplesOf = (records: readonly HistoryRecord[]): LabelledExample[] => {
  const sessionsByEvent = new Map<string, Map<string, number>>();
  const confirmed = new Map<string, number>();
  for (const record of records) {
    const sessions = sessionsByEvent.get(record.eventId) ?? new Map<string, number>();
    sessions.set(record.sessionId, Date.parse(record.sessionStartsAt));
    sessionsByEvent.set(record.eventId, sessions);
    confirmed.set(record.sessionId, (confirmed.get(record.sessionId) ?? 0) + 1);
  }
  const indexOf = new Map<string, number>();
  const firstStart = new Map([...sessionsByEvent].map(([eventId, sessions]) => [eventId, Math.min(...sessions.values())]));
  for (const sessions of sessionsByEvent.values())
    [...sessions.entries()]
      .sort(([a, startA], [b, startB]) => startA - startB || (a < b ? -1 : a > b ? 1 : 0))
      .forEach(([sessionId], i) => indexOf.set(sessionId, i));
  return records.map((record) => ({
    attendeeId: record.attendeeId,
    eventId: record.eventId,
    sessionId: record.sessionId,
    startsAt: new Date(record.sessionStartsAt),
    endsAt: new Date(record.sessionEndsAt),
    registeredAt: new Date(record.registeredAt),
    sessionIndex: indexOf.get(record.sessionId)!,
    seriesStartsAt: new Date(firstStart.get(record.eventId)!),
    confirmed: confirmed.get(record.sessionId)!,
    attended: record.attended,
    timeZone: record.timeZone ?? null,
    requiresApproval: record.requiresApproval ?? null,
    confirmedAt: record.confirmedAt ? new Date(record.confirmedAt) : null,
    promotedFromWaitlist: record.promotedFromWaitlist ?? null,
  }));
};
