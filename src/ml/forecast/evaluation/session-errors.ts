import { expectedAttendance } from '../expected-attendance.js';

/** How well a set of probabilities forecast each session's head count. */
export interface SessionErrors {
  sessions: number;
  /** Mean absolute difference between the expected and the real head count. */
  mae: number;
  /** Share of sessions whose real head count fell inside the interval, ends included. */
  coverage: number;
}

export const sessionErrors = (
  examples: readonly { sessionId: string; attended: boolean }[],
  probabilities: readonly number[],
  sessionVariance: number,
): SessionErrors => {
  const sessions = new Map<string, { probabilities: number[]; actual: number }>();
  examples.forEach((example, i) => {
    const session = sessions.get(example.sessionId) ?? { probabilities: [], actual: 0 };
    session.probabilities.push(probabilities[i]!);
    session.actual += example.attended ? 1 : 0;
    sessions.set(example.sessionId, session);
  });
  let error = 0;
  let inside = 0;
  for (const session of sessions.values()) {
    const { expected, low, high } = expectedAttendance(session.probabilities, sessionVariance);
    error += Math.abs(expected - session.actual);
    if (low <= session.actual && session.actual <= high) inside += 1;
  }
  return { sessions: sessions.size, mae: sessions.size ? error / sessions.size : 0, coverage: sessions.size ? inside / sessions.size : 0 };
};
