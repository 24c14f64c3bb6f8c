/**
 * What the forecast knows about one confirmed registration at one session, computed only
 * from what was known before that session started, so that training on past sessions sees
 * exactly what a forecast for an upcoming one sees. The order is fixed: a stored model's
 * weights line up with these names, and a model trained on other names is not used.
 */
export const FEATURE_NAMES = [
  /** The attendee's past show-up rate, smoothed towards 1/2 by one show and one no-show. */
  'pastShowUpRate',
  /** log(1 + sessions the attendee was confirmed for that ended before this one started). */
  'pastSessions',
  /** log(1 + days from registering to the session's start): people who book early drift away. */
  'leadTimeDays',
  /** log(1 + the session's place in its event's series): later sessions of a series lose people. */
  'sessionIndex',
  /** log(1 + confirmed registrations at the session): a seat at a big free event is cheap to skip. */
  'sessionSize',
] as const;

type FeatureName = (typeof FEATURE_NAMES)[number];

/** One confirmed registration at one session: what a forecast is about. */
export interface Occasion {
  attendeeId: string;
  startsAt: Date;
  registeredAt: Date;
  /** 0 for an event's first session by start time. */
  sessionIndex: number;
  /** Confirmed registrations at the session, this one included. */
  confirmed: number;
}

/** Whether an attendee came to a session that has ended. */
export interface Outcome {
  attendeeId: string;
  endsAt: Date;
  attended: boolean;
}

const DAY_MS = 86_400_000;

/** Each attendee's outcomes in the order their sessions ended, to count what came before a moment. */
export class AttendeeHistory {
  private readonly byAttendee = new Map<string, { endedAt: number[]; attendedBefore: number[] }>();

  constructor(outcomes: Iterable<Outcome>) {
    const grouped = new Map<string, Outcome[]>();
    for (const outcome of outcomes) {
      const list = grouped.get(outcome.attendeeId);
      if (list) list.push(outcome);
      else grouped.set(outcome.attendeeId, [outcome]);
    }
    for (const [attendeeId, list] of grouped) {
      list.sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime());
      // attendedBefore[i]: shows among the first i outcomes.
      const attendedBefore = [0];
      for (const outcome of list) attendedBefore.push(attendedBefore.at(-1)! + (outcome.attended ? 1 : 0));
      this.byAttendee.set(attendeeId, { endedAt: list.map((o) => o.endsAt.getTime()), attendedBefore });
    }
  }

  /** Sessions that ended strictly before `moment`, and how many of them the attendee came to. */
  before(attendeeId: string, moment: Date): { sessions: number; attended: number } {
    const history = this.byAttendee.get(attendeeId);
    if (!history) return { sessions: 0, attended: 0 };
    let low = 0;
    let high = history.endedAt.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (history.endedAt[middle]! < moment.getTime()) low = middle + 1;
      else high = middle;
    }
    return { sessions: low, attended: history.attendedBefore[low]! };
  }
}

/** The features of one occasion, in FEATURE_NAMES order. */
export const featuresOf = (occasion: Occasion, history: AttendeeHistory): number[] => {
  // Strictly before the start: a session is never part of its own history.
  const past = history.before(occasion.attendeeId, occasion.startsAt);
  const leadDays = Math.max(0, occasion.startsAt.getTime() - occasion.registeredAt.getTime()) / DAY_MS;
  const features: Record<FeatureName, number> = {
    pastShowUpRate: (past.attended + 1) / (past.sessions + 2),
    pastSessions: Math.log1p(past.sessions),
    leadTimeDays: Math.log1p(leadDays),
    sessionIndex: Math.log1p(occasion.sessionIndex),
    sessionSize: Math.log1p(occasion.confirmed),
  };
  return FEATURE_NAMES.map((name) => features[name]);
};
