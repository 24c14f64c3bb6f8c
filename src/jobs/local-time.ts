/**
 * A moment as the people at an event read it: in the event's own time zone, named, since an
 * attendee may be elsewhere when the mail arrives (e.g. "Saturday 5 December 2026 at 18:00
 * (Europe/Warsaw)").
 */
export const localTime = (at: Date, timeZone: string): string =>
  `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at)} (${timeZone})`;
