/**
 * How much whole sessions swing beyond independent show-ups, as a relative variance τ²: the
 * head count's variance is Σp(1−p) + τ²(Σp)². A rainy evening, a strike or a clash with a
 * match moves everybody at once, which independent draws cannot explain, and an interval
 * built on them alone covers far less than it claims. Estimated by moments on sessions the
 * probabilities were not fitted to: each session's squared miss beyond what independent
 * draws explain, over its squared expectation, pooled so that big sessions weigh most.
 */
export const sessionVarianceOf = (examples: readonly { sessionId: string; attended: boolean }[], probabilities: readonly number[]): number => {
  const sessions = new Map<string, { expected: number; bernoulli: number; actual: number }>();
  examples.forEach((example, i) => {
    const p = probabilities[i]!;
    const session = sessions.get(example.sessionId) ?? { expected: 0, bernoulli: 0, actual: 0 };
    session.expected += p;
    session.bernoulli += p * (1 - p);
    session.actual += example.attended ? 1 : 0;
    sessions.set(example.sessionId, session);
  });
  let excess = 0;
  let scale = 0;
  for (const { expected, bernoulli, actual } of sessions.values()) {
    excess += (actual - expected) ** 2 - bernoulli;
    scale += expected ** 2;
  }
  return scale > 0 ? Math.max(0, excess / scale) : 0;
};
