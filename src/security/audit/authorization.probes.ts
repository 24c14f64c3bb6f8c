import { CALLERS, type Caller, type Outcome, POLICY, type Rule } from './authorization-policy.js';
import type { Exchange, GraphqlAnswer } from './http-client.js';
import { type Probe, ProbeFailure, codeOf } from './probe.js';
import type { Person, World } from './world.js';

const LABELS: Record<Caller, string> = {
  anonymous: 'anonymous',
  attendee: 'attendee',
  otherAttendee: 'other attendee',
  organizerA: 'organizer A',
  organizerB: 'organizer B',
  staffA: 'staff A',
  staffB: 'staff B',
  admin: 'admin',
};

const personOf = (world: World, caller: Caller): Person | undefined => (caller === 'anonymous' ? undefined : world[caller]);

/** What the server's answer amounts to, in the policy's words; anything else is named as it came. */
const outcomeOf = (answer: GraphqlAnswer, field: string): string => {
  const code = codeOf(answer);
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return code;
  // Every command in the policy checks its caller before its state, so CONFLICT means the caller got through.
  if (code === 'CONFLICT') return 'allowed';
  if (code) return `error ${code}`;
  if (answer.status !== 200) return `status ${answer.status}`;
  const value = answer.data?.[field];
  if (value === undefined) return 'no data';
  return value === null ? 'null' : 'allowed';
};

/** "allowed: organizer A, admin · FORBIDDEN: …": the rule's row, read aloud. */
const summary = (outcomes: readonly Outcome[]): string => {
  const byOutcome = new Map<Outcome, string[]>();
  CALLERS.forEach((caller, i) => byOutcome.set(outcomes[i]!, [...(byOutcome.get(outcomes[i]!) ?? []), LABELS[caller]]));
  return [...byOutcome].map(([outcome, callers]) => `${outcome}: ${callers.length === CALLERS.length ? 'everyone' : callers.join(', ')}`).join(' · ');
};

const probeOf = (rule: Rule): Probe => ({
  area: 'authorization',
  name: `${rule.field} [${rule.about}] → ${summary(rule.outcomes)}`,
  run: async (world) => {
    const wrong: string[] = [];
    const shown: Exchange[] = [];
    for (const [i, caller] of CALLERS.entries()) {
      const expected = rule.outcomes[i]!;
      if (expected === 'allowed' && rule.allowedNotSent) continue;
      const answer = await world.client.graphql(rule.document, rule.variables(world), personOf(world, caller)?.accessToken);
      const actual = outcomeOf(answer, rule.field);
      if (actual !== expected) {
        wrong.push(`${LABELS[caller]}: expected ${expected}, got ${actual}`);
        shown.push(answer);
      }
    }
    if (wrong.length) throw new ProbeFailure(wrong.join('; '), shown);
    return rule.allowedNotSent ? `allowed callers not sent: ${rule.allowedNotSent}` : undefined;
  },
});

export const authorizationProbes: Probe[] = POLICY.map(probeOf);
