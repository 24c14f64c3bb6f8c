import { localWeekdayAndHour } from './local-time.js';

/**
 * What the forecast knows about one confirmed registration at one session, computed only
 * from what was known before that session started, so that training on past sessions sees
 * exactly what a forecast for an upcoming one sees. The order is fixed: a stored model's
 * weights line up with these names, and a model trained on other names is not used.
 * Each earned its place in `npm run eval:forecast` (see the README's forecast figures).
 */
export const FEATURE_NAMES = [
  /**
   * The attendee's past show-up rate, smoothed towards 1/2 by one show and one no-show, as log
   * odds, like every rate here: a regression on log odds adds habits up the way chances combine.
   */
  'pastShowUpRate',
  /** log(1 + sessions the attendee was confirmed for that ended before this one started). */
  'pastSessions',
  /** The attendee's show-up rate at their last few sessions, smoothed alike: habits change. */
  'recentShowUpRate',
  /** log(1 + days since the attendee last came to anything); a year for someone who never has. */
  'daysSinceLastShow',
  /** The attendee's show-up rate at this event's earlier sessions: a series has its own habit. */
  'seriesShowUpRate',
  /** Everyone's show-up rate at this event's earlier sessions: some events simply draw better. */
  'eventShowUpRate',
  /** log(1 + days from registering to the session's start): people who book early drift away. */
  'leadTimeDays',
  /** log(1 + days from registering to the first session of the series): a commitment made long before it began wears thin. */
  'seriesLeadDays',
  /** log(1 + the session's place in its series): later sessions of a series lose people. */
  'sessionIndex',
  /** log(1 + confirmed registrations at the session): a seat at a big free event is cheap to skip. */
  'sessionSize',
  /** 1 on that day where the event takes place; Sunday is the day the others are measured against. */
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  /** 1 for a session starting before 10:00, local time; afternoons (12:00–17:00) are the others' measure. */
  'earlyMorning',
  /** From 10:00 to noon. */
  'lateMorning',
  /** From 17:00 to 20:00. */
  'earlyEvening',
  /** From 20:00. */
  'lateEvening',
  /** 1 when an organizer had to approve the registration. */
  'requiresApproval',
  /** log(1 + days from registering to being confirmed): a late yes finds plans made. */
  'confirmationDelayDays',
  /** 1 when the seat came from the waiting list. */
  'promotedFromWaitlist',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** One confirmed registration at one session: what a forecast is about. */
export interface Occasion {
  attendeeId: string;
  eventId: string;
  startsAt: Date;
  registeredAt: Date;
  /** 0 for an event's first session by start time. */
  sessionIndex: number;
  /** When the event's first session starts; this session's start when unknown. */
  seriesStartsAt?: Date | null;
  /** Confirmed registrations at the session, this one included. */
  confirmed: number;
  /** The event's IANA time zone; UTC when unknown. */
  timeZone?: string | null;
  requiresApproval?: boolean | null;
  /** When it was confirmed; `registeredAt` when unknown. */
  confirmedAt?: Date | null;
  promotedFromWaitlist?: boolean | null;
}

/** Whether an attendee came to a session of an event that has ended. */
export interface Outcome {
  attendeeId: string;
  eventId: string;
  endsAt: Date;
  attended: boolean;
}

const DAY_MS = 86_400_000;
/** How many of the latest sessions make the recent show-up rate. */
const RECENT = 4;
/** What "never came" counts as in days since the last show. */
const NEVER_DAYS = 365;

interface Timeline {
  endedAt: number[];
  /** attendedBefore[i]: shows among the first i outcomes. */
  attendedBefore: number[];
  /** lastShowBefore[i]: when the latest show among the first i outcomes ended (NaN: none). */
  lastShowBefore: number[];
}

/** Outcomes by a key, in the order their sessions ended, to count what came before a moment. */
class Timelines {
  private readonly byKey = new Map<string, Timeline>();

  constructor(outcomes: Iterable<Outcome>, keyOf: (outcome: Outcome) => string) {
    const grouped = new Map<string, Outcome[]>();
    for (const outcome of outcomes) {
      const key = keyOf(outcome);
      const list = grouped.get(key);
      if (list) list.push(outcome);
      else grouped.set(key, [outcome]);
    }
    for (const [key, list] of grouped) {
      list.sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime());
      const timeline: Timeline = { endedAt: [], attendedBefore: [0], lastShowBefore: [Number.NaN] };
      for (const outcome of list) {
        const end = outcome.endsAt.getTime();
        timeline.endedAt.push(end);
        timeline.attendedBefore.push(timeline.attendedBefore.at(-1)! + (outcome.attended ? 1 : 0));
        timeline.lastShowBefore.push(outcome.attended ? end : timeline.lastShowBefore.at(-1)!);
      }
      this.byKey.set(key, timeline);
    }
  }

  /** Over outcomes that ended strictly before `moment`: how many, how many were shows, and of the last RECENT; the last show's end. */
  before(key: string, moment: number): { sessions: number; attended: number; recentSessions: number; recentAttended: number; lastShow: number } {
    const timeline = this.byKey.get(key);
    if (!timeline) return { sessions: 0, attended: 0, recentSessions: 0, recentAttended: 0, lastShow: Number.NaN };
    let low = 0;
    let high = timeline.endedAt.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (timeline.endedAt[middle]! < moment) low = middle + 1;
      else high = middle;
    }
    const from = Math.max(0, low - RECENT);
    return {
      sessions: low,
      attended: timeline.attendedBefore[low]!,
      recentSessions: low - from,
      recentAttended: timeline.attendedBefore[low]! - timeline.attendedBefore[from]!,
      lastShow: timeline.lastShowBefore[low]!,
    };
  }
}

/** Past outcomes by attendee, by event, and by attendee at an event. */
export class AttendeeHistory {
  private readonly attendees: Timelines;
  private readonly events: Timelines;
  private readonly series: Timelines;

  constructor(outcomes: readonly Outcome[]) {
    this.attendees = new Timelines(outcomes, (o) => o.attendeeId);
    this.events = new Timelines(outcomes, (o) => o.eventId);
    this.series = new Timelines(outcomes, (o) => `${o.attendeeId}\u0000${o.eventId}`);
  }

  attendee(attendeeId: string, moment: Date) {
    return this.attendees.before(attendeeId, moment.getTime());
  }

  event(eventId: string, moment: Date) {
    return this.events.before(eventId, moment.getTime());
  }

  attendeeAtEvent(attendeeId: string, eventId: string, moment: Date) {
    return this.series.before(`${attendeeId}\u0000${eventId}`, moment.getTime());
  }
}

/** The log odds of shows out of sessions, pulled towards even by one of each so that a first no-show is not a verdict. */
const smoothedRate = (attended: number, sessions: number): number => Math.log((attended + 1) / (sessions - attended + 1));

const days = (ms: number): number => Math.max(0, ms) / DAY_MS;

const flag = (value: boolean | null | undefined): number => (value ? 1 : 0);

/** The features of one occasion, in FEATURE_NAMES order. */
export const featuresOf = (occasion: Occasion, history: AttendeeHistory): number[] => {
  // Strictly before the start: a session is never part of its own history.
  const start = occasion.startsAt.getTime();
  const past = history.attendee(occasion.attendeeId, occasion.startsAt);
  const series = history.attendeeAtEvent(occasion.attendeeId, occasion.eventId, occasion.startsAt);
  const event = history.event(occasion.eventId, occasion.startsAt);
  const { weekday, hour } = localWeekdayAndHour(occasion.startsAt, occasion.timeZone);
  const confirmedAt = occasion.confirmedAt ?? occasion.registeredAt;
  const features: Record<FeatureName, number> = {
    pastShowUpRate: smoothedRate(past.attended, past.sessions),
    pastSessions: Math.log1p(past.sessions),
    recentShowUpRate: smoothedRate(past.recentAttended, past.recentSessions),
    daysSinceLastShow: Math.log1p(Number.isNaN(past.lastShow) ? NEVER_DAYS : Math.min(NEVER_DAYS, days(start - past.lastShow))),
    seriesShowUpRate: smoothedRate(series.attended, series.sessions),
    eventShowUpRate: smoothedRate(event.attended, event.sessions),
    leadTimeDays: Math.log1p(days(start - occasion.registeredAt.getTime())),
    seriesLeadDays: Math.log1p(days((occasion.seriesStartsAt ?? occasion.startsAt).getTime() - occasion.registeredAt.getTime())),
    sessionIndex: Math.log1p(occasion.sessionIndex),
    sessionSize: Math.log1p(occasion.confirmed),
    monday: weekday === 1 ? 1 : 0,
    tuesday: weekday === 2 ? 1 : 0,
    wednesday: weekday === 3 ? 1 : 0,
    thursday: weekday === 4 ? 1 : 0,
    friday: weekday === 5 ? 1 : 0,
    saturday: weekday === 6 ? 1 : 0,
    earlyMorning: hour < 10 ? 1 : 0,
    lateMorning: hour >= 10 && hour < 12 ? 1 : 0,
    earlyEvening: hour >= 17 && hour < 20 ? 1 : 0,
    lateEvening: hour >= 20 ? 1 : 0,
    requiresApproval: flag(occasion.requiresApproval),
    confirmationDelayDays: Math.log1p(days(confirmedAt.getTime() - occasion.registeredAt.getTime())),
    promotedFromWaitlist: flag(occasion.promotedFromWaitlist),
  };
  return FEATURE_NAMES.map((name) => features[name]);
};
