/** One formatter per zone: making one costs about a millisecond, as much as the rest of a ticket's text, and an on-sale mails thousands. */
const formats = new Map<string, Intl.DateTimeFormat>();

const formatIn = (timeZone: string): Intl.DateTimeFormat => {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone })));
  return format;
};

/**
 * A moment as the people at an event read it: in the event's own time zone, named, since an
 * attendee may be elsewhere when the mail arrives (e.g. "Saturday 5 December 2026 at 18:00
 * (Europe/Warsaw)").
 */
export const localTime = (at: Date, timeZone: string): string => `${formatIn(timeZone).format(at)} (${timeZone})`;
