import { localWeekdayAndHour } from '../ml/forecast/local-time.js';
import { HOUR, MINUTE } from './durations.js';

/** Times as the people at an event live them, in its zone: what the weekday, hour and weather effects read. */

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`: a bad weather day is a local day. */
export const localDate = (instant: number, timeZone: string): string => {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA writes dates as ISO does.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
};

/** The weekday (0 is Sunday) and hour of `instant` in `timeZone`, read as the forecast features read them. */
export const localWeekdayHour = (instant: number, timeZone: string): { weekday: number; hour: number } =>
  localWeekdayAndHour(new Date(instant), timeZone);

/**
 * `hour`:`minute` local time on about the day of `instant`: the zones of places.ts keep
 * whole-hour offsets, so moving the hour that `instant` falls in is enough (the day may
 * shift by one, which a random day does not mind).
 */
export const atLocalTime = (instant: number, hour: number, minute: number, timeZone: string): number => {
  const hourStart = Math.floor(instant / HOUR) * HOUR;
  return hourStart + (hour - localWeekdayHour(hourStart, timeZone).hour) * HOUR + minute * MINUTE;
};
