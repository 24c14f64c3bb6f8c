/**
 * One confirmed registration at one session that has ended, and whether its attendee came:
 * a line of the JSON Lines history `npm run eval:forecast -- --history FILE` reads, what
 * `rollcall admin seed`'s simulation produces, and what the read model's past attendances
 * are exported as. Times are ISO 8601 with an offset. A session's place in its series and
 * its number of confirmed registrations are counted from the file itself.
 */
export interface HistoryRecord {
  attendeeId: string;
  eventId: string;
  sessionId: string;
  sessionStartsAt: string;
  sessionEndsAt: string;
  registeredAt: string;
  attended: boolean;
  /** The event's IANA time zone, for the local weekday and hour; UTC when absent. */
  timeZone?: string;
  /** Whether an organizer had to approve the registration. */
  requiresApproval?: boolean;
  /** When the registration was confirmed (approved, or promoted from the waiting list); `registeredAt` when absent. */
  confirmedAt?: string;
  /** Whether the seat came from the waiting list. */
  promotedFromWaitlist?: boolean;
}
