import { describe, expect, it } from 'vitest';
import type { Actor } from '../domain/actor.js';
import { organizerReport, organizerReportRequest } from './organizer-report.js';

const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const admin: Actor = { accountId: 'admin-1', roles: ['admin'] };
const period = { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00+01:00' };

const refusal = (caller: Actor, args: object) => {
  try {
    organizerReportRequest(caller, { ...period, ...args });
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'admitted';
};

describe('who reads which organizer report', () => {
  it('gives an organizer their own, with names, ten attendees unless asked for more', () => {
    expect(organizerReportRequest(organizer, period)).toEqual({ organizerId: 'org-1', ...period, top: 10, showPeople: true });
  });

  it('gives an admin anyone’s, without names', () => {
    expect(organizerReportRequest(admin, { ...period, organizerId: 'org-1', top: 3 })).toMatchObject({ organizerId: 'org-1', top: 3, showPeople: false });
  });

  it('refuses another organizer’s to an organizer, any to an attendee, an empty period and a top out of range', () => {
    expect(refusal(organizer, { organizerId: 'org-2' })).toBe('FORBIDDEN');
    expect(refusal({ accountId: 'ann', roles: ['attendee'] }, {})).toBe('FORBIDDEN');
    expect(refusal(organizer, { from: period.to, to: period.to })).toBe('VALIDATION');
    expect(refusal(organizer, { top: 101 })).toBe('VALIDATION');
    expect(refusal(organizer, { top: 100 })).toBe('admitted');
  });
});

describe('an organizer report', () => {
  const figures = {
    events: [{ eventId: 'e', title: 'Quiet night', status: 'published', startsAt: new Date('2025-01-10T18:00:00Z'), confirmed: 0, attended: 0 }],
    attendees: 0,
    repeatAttendees: 0,
    top: [{ attendeeId: 'ann', events: 1, name: 'Ann', email: 'ann@example.org' }],
  };

  it('shows names only to the organizer, the period in UTC, and no rate where nobody was expected or came', () => {
    const shown = organizerReport(organizerReportRequest(admin, { ...period, organizerId: 'org-1' }), figures);
    expect(shown).toMatchObject({ from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T23:00:00.000Z', repeatAttendanceRate: null });
    expect(shown.events[0]!.showUpRate).toBeNull();
    expect(shown.topAttendees).toEqual([{ attendeeId: 'ann', eventsAttended: 1, name: null, email: null }]);
    expect(organizerReport(organizerReportRequest(organizer, period), figures).topAttendees[0]).toMatchObject({ name: 'Ann', email: 'ann@example.org' });
  });
});
