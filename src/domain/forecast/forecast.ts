/**
 * One event's attendance forecasts as the refreshes recorded them, on the event's own forecast
 * stream: per upcoming session, the expected head count with its 90% interval, the model that
 * made it, the log position its inputs reflected, and each confirmed registration's chance of
 * showing up. A forecast is never corrected, only followed by a newer one, so the stream
 * answers "what was predicted when, from what". Attendee ids stay out: a registration id
 * leads to a person only through the attendance read model, so nothing here is personal data.
 */

/** One confirmed registration's chance of showing up, 0 to 1. */
export type RegistrationProbability = { registrationId: string; probability: number };

/** A session's forecast as recorded; `eventId` and `sessionId` say which, `computedAt` when. */
export type AttendanceForecasted = {
  type: 'AttendanceForecasted';
  data: {
    eventId: string;
    sessionId: string;
    /** The expected head count (the probabilities' sum), rounded to 4 decimals. */
    expected: number;
    /** A 90% interval of the head count, whole people: 0 ≤ low ≤ expected ≤ high ≤ confirmed. */
    low: number;
    high: number;
    /** Confirmed registrations when the inputs were read. */
    confirmed: number;
    /** The stored model that forecast; null for the smoothed base rate (no usable model). */
    modelVersion: number | null;
    /**
     * The global log position the inputs reflected (`<commit>` or `<commit>/<prepare>`): the
     * attendance read model's checkpoint in the snapshot the refresh read; null when it had none.
     */
    inputsPosition: string | null;
    /**
     * Each confirmed registration's probability, rounded to 4 decimals and in id order; none
     * for a session of more than MAX_RECORDED_REGISTRATIONS (business-logic.ts).
     */
    registrations: RegistrationProbability[];
    computedAt: string;
  };
};

export type ForecastEvent = AttendanceForecasted;

/** What a new forecast of a session is compared with: the last one recorded, without when. */
export type SessionForecast = Omit<AttendanceForecasted['data'], 'eventId' | 'sessionId' | 'computedAt'>;

export type ForecastState =
  | { status: 'not_forecast' }
  | {
      status: 'forecast';
      /**
       * The last forecast of each session, by session id. A plain object rather than a Map, so
       * that an admin's replay of the stream (aggregateAt) shows it as JSON.
       */
      sessions: Readonly<Record<string, SessionForecast>>;
    };

export const initialState = (): ForecastState => ({ status: 'not_forecast' });

export const evolve = (state: ForecastState, event: ForecastEvent): ForecastState => {
  switch (event.type) {
    case 'AttendanceForecasted': {
      const { eventId: _event, sessionId, computedAt: _at, ...forecast } = event.data;
      const sessions = state.status === 'forecast' ? state.sessions : {};
      return { status: 'forecast', sessions: { ...sessions, [sessionId]: forecast } };
    }
    default: {
      // A type this code does not know (written by a newer version) changes nothing here. On
      // the type, not the event: a union of one event is not narrowed to never.
      const _unknown: never = event.type;
      return state;
    }
  }
};
