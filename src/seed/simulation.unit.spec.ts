import { describe, expect, it } from 'vitest';
import { MINUTE, WEEK } from './durations.js';
import type { Registration } from './ledger.js';
import { FUTURE_WEEKS, type SeedOptions } from './seed-options.js';
import { type Simulation, historyOf, simulate } from './simulation.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const OPTIONS: SeedOptions = { organizers: 4, events: 30, attendees: 300, weeks: 8, seed: 7, now: NOW };
const simulation = simulate(OPTIONS);

/** What a replay depends on: who signs up when, every event's script, and the history it leaves. */
const replayed = (s: Simulation) => JSON.stringify({ accounts: s.accounts, scripts: s.events.map((e) => e.script), history: historyOf(s) });

const registrationsOf = (s: Simulation): { registration: Registration; capacity: number; firstStart: number }[] =>
  s.events.flatMap(({ event, ledger }) =>
    [...ledger.registrations.values()].map((registration) => ({ registration, capacity: event.capacity, firstStart: Date.parse(ledger.sessions[0]!.startsAt) })),
  );

describe('the simulated world', () => {
  it('is the same for the same options, to the second', () => {
    expect(replayed(simulate(OPTIONS))).toBe(replayed(simulation));
  });

  it('is another one for another seed', () => {
    const other = simulate({ ...OPTIONS, seed: 8 });
    expect(replayed(other)).not.toBe(replayed(simulation));
    expect(other.world.people.attendees[0]!.email).not.toBe(simulation.world.people.attendees[0]!.email);
  });

  it('runs from --weeks weeks ago to now, with nothing done after now', () => {
    const now = NOW.getTime();
    const begins = now - OPTIONS.weeks * WEEK;
    expect(Math.min(...simulation.accounts.map((a) => a.signUpAt))).toBeGreaterThanOrEqual(begins);
    for (const { event, script } of simulation.events) {
      expect(event.createdAt).toBeGreaterThanOrEqual(begins);
      for (const step of script) expect(step.kind === 'visit' ? Math.max(...step.steps.map((s) => s.at)) : step.at).toBeLessThanOrEqual(now);
    }
  });

  it('leaves upcoming sessions, within two weeks, with confirmed registrations and nobody checked in yet', () => {
    const now = NOW.getTime();
    const upcoming = simulation.events.flatMap(({ ledger }) =>
      ledger.sessions
        .filter((s) => Date.parse(s.startsAt) > now && Date.parse(s.startsAt) < now + FUTURE_WEEKS * WEEK)
        .map((s) => ({ session: s, confirmed: [...ledger.registrations.values()].filter((r) => r.confirmedAt !== undefined && r.endedAt === undefined).length })),
    );
    expect(upcoming.filter((u) => u.confirmed > 0).length).toBeGreaterThan(10);
    const visited = new Set(simulation.events.flatMap((e) => e.script.flatMap((s) => (s.kind === 'visit' ? [s.session] : []))));
    expect(upcoming.filter((u) => visited.has(u.session.sessionId))).toEqual([]);
  });

  it('signs everyone up, and verifies them, before their first registration', () => {
    const plans = new Map(simulation.accounts.map((plan) => [plan.person.key, plan]));
    for (const { registration } of registrationsOf(simulation)) {
      const plan = plans.get(registration.attendee.key)!;
      expect(plan.signUpAt).toBeLessThan(plan.verifyAt);
      expect(plan.verifyAt).toBeLessThan(registration.registeredAt);
    }
  });
});

describe('seats, as the event decider gives them', () => {
  const registrations = registrationsOf(simulation);

  it('never confirms more people for a session than the capacity', () => {
    for (const { event, outcomes } of simulation.events)
      for (const outcome of outcomes) expect(outcome.attendances.length).toBeLessThanOrEqual(event.capacity);
  });

  it('forms waiting lists, promotes from them, rejects and cancels', () => {
    const kinds = new Set(simulation.events.flatMap((e) => e.script.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual(['approve', 'cancel', 'cancelEvent', 'register', 'reject', 'visit']);
    expect(registrations.some(({ registration }) => registration.via === 'promotion')).toBe(true);
    expect(registrations.some(({ registration }) => registration.via === 'approval')).toBe(true);
    // A cancellation at a full event appends its promotion too.
    expect(simulation.events.some((e) => e.script.some((s) => s.kind === 'cancel' && s.appends === 2))).toBe(true);
  });

  it('promotes from the waiting list first come, first served', () => {
    for (const { event, ledger } of simulation.events) {
      if (event.details.requiresApproval) continue;
      const promoted = [...ledger.registrations.values()].filter((r) => r.via === 'promotion').sort((a, b) => a.confirmedAt! - b.confirmedAt!);
      const order = promoted.map((r) => r.registeredAt);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      // Nobody waiting was passed over: whoever registered before a promoted one was seated or had left by then.
      for (const seated of promoted)
        for (const other of ledger.registrations.values())
          if (other.registeredAt < seated.registeredAt && other.confirmedAt === undefined) expect(other.endedAt).toBeLessThanOrEqual(seated.confirmedAt!);
    }
  });

  it('settles every seat before the first session: nobody pending or waiting once it starts', () => {
    for (const { registration, firstStart } of registrations) {
      if (firstStart > NOW.getTime()) continue;
      const settledAt = Math.min(registration.confirmedAt ?? Infinity, registration.endedAt ?? Infinity);
      expect(settledAt).toBeLessThan(firstStart);
    }
  });

  it('checks in only confirmed registrations, and scans them within the doors’ hours', () => {
    for (const { ledger, script } of simulation.events)
      for (const step of script) {
        if (step.kind !== 'visit') continue;
        const session = ledger.sessions.find((s) => s.sessionId === step.session)!;
        const registration = ledger.registrations.get(step.registration)!;
        expect(registration.confirmedAt).toBeLessThan(step.at);
        expect(registration.endedAt ?? Infinity).toBeGreaterThanOrEqual(Date.parse(session.endsAt));
        for (const scan of step.steps.filter((s) => s.kind === 'scan')) {
          expect(scan.at).toBeGreaterThanOrEqual(Date.parse(session.checkInOpensAt));
          expect(scan.at).toBeLessThan(Date.parse(session.checkInClosesAt));
        }
      }
  });
});

describe('the history', () => {
  const history = historyOf(simulation);

  it('has one record per confirmed registration at each held session that ended, labelled', () => {
    const held = simulation.events.flatMap((e) => e.outcomes.filter((o) => o.held));
    expect(history).toHaveLength(held.reduce((n, o) => n + o.attendances.length, 0));
    expect(history.every((r) => Date.parse(r.sessionEndsAt) <= NOW.getTime() && r.registeredAt < r.sessionStartsAt)).toBe(true);
    expect(new Set(history.map((r) => `${r.sessionId} ${r.attendeeId}`)).size).toBe(history.length);
  });

  it('leaves out cancelled events and sessions nobody was checked in at', () => {
    const cancelled = new Set(simulation.events.filter((e) => e.ledger.cancelled).map((e) => e.event.key));
    expect(cancelled.size).toBeGreaterThan(0);
    expect(history.filter((r) => cancelled.has(r.eventId))).toEqual([]);
    const visited = new Set(simulation.events.flatMap((e) => e.script.flatMap((s) => (s.kind === 'visit' ? [s.session] : []))));
    expect(history.filter((r) => !visited.has(r.sessionId))).toEqual([]);
  });

  it('says when and how each seat was confirmed', () => {
    for (const record of history) {
      expect(record.confirmedAt! >= record.registeredAt).toBe(true);
      expect(Date.parse(record.confirmedAt!)).toBeLessThan(Date.parse(record.sessionStartsAt) - 10 * MINUTE + 1);
    }
    expect(history.some((r) => r.promotedFromWaitlist)).toBe(true);
  });
});
