/** Spans of time in milliseconds, as the simulation counts them. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/**
 * `time` rounded to a whole second: what people do happens on the second, and a time that
 * round-trips through an ISO string and the database as it was makes comparisons exact.
 */
export const onTheSecond = (time: number): number => Math.round(time / 1_000) * 1_000;

/** `time` rounded to a whole minute, as organizers set times. */
export const onTheMinute = (time: number): number => Math.round(time / MINUTE) * MINUTE;
