const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One formatter per zone: building one costs far more than formatting with it, and a refresh formats thousands. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

const formatterOf = (timeZone: string): Intl.DateTimeFormat | null => {
  if (!formatters.has(timeZone)) {
    let formatter: Intl.DateTimeFormat | null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
    } catch {
      // A zone this runtime does not know (a stored value is never a reason to fail): read as UTC.
      formatter = null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatters.get(timeZone)!;
};

/** The weekday (0 = Sunday) and hour (0–23) of an instant where the event takes place; UTC without a known zone. */
export const localWeekdayAndHour = (instant: Date, timeZone: string | null | undefined): { weekday: number; hour: number } => {
  const formatter = timeZone ? formatterOf(timeZone) : null;
  if (!formatter) return { weekday: instant.getUTCDay(), hour: instant.getUTCHours() };
  const parts = formatter.formatToParts(instant);
  const weekday = WEEKDAYS.indexOf(parts.find((part) => part.type === 'weekday')?.value ?? '');
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  return weekday < 0 || !Number.isInteger(hour) ? { weekday: instant.getUTCDay(), hour: instant.getUTCHours() } : { weekday, hour };
};
