import type { Actor } from '../actor.js';
import { type EventEvent, type ExistingEvent, evolve as evolveEvent, initialState as noEvent } from '../event/event.js';
import type { TicketClaims } from './business-logic.js';

/** One event's door, as the check-in specs find it: a published event with one session, its staff, and Ann's confirmed ticket. */

export const staff: Actor = { accountId: 'staff-1', roles: ['staff'] };
export const stranger: Actor = { accountId: 'staff-2', roles: ['staff'] };
/** Inside the session's check-in window (15:00 to 18:00). */
export const doorsOpen = '2026-07-02T15:30:00.000Z';

export const eventAfter = (...extra: EventEvent[]): ExistingEvent => {
  const history: EventEvent[] = [
    {
      type: 'EventCreated',
      data: {
        eventId: 'e1',
        organizerId: 'org-1',
        capacity: 10,
        details: {
          title: 'Meetup',
          description: '',
          venue: 'Hall',
          timeZone: 'UTC',
          registrationOpensAt: '2026-05-01T00:00:00.000Z',
          registrationClosesAt: '2026-07-01T00:00:00.000Z',
          requiresApproval: false,
          faceVerification: 'off',
        },
      },
    },
    {
      type: 'SessionsScheduled',
      data: {
        sessions: [
          {
            sessionId: 's1',
            startsAt: '2026-07-02T16:00:00.000Z',
            endsAt: '2026-07-02T18:00:00.000Z',
            checkInOpensAt: '2026-07-02T15:00:00.000Z',
            checkInClosesAt: '2026-07-02T18:00:00.000Z',
          },
        ],
      },
    },
    { type: 'EventPublished', data: { eventId: 'e1' } },
    { type: 'StaffAssigned', data: { staffId: 'staff-1' } },
    { type: 'RegistrationConfirmed', data: { registrationId: 'r1', attendeeId: 'ann', via: 'registration' } },
    ...extra,
  ];
  return history.reduce(evolveEvent, noEvent()) as ExistingEvent;
};

export const ticket: TicketClaims = { registrationId: 'r1', eventId: 'e1', attendeeId: 'ann', version: 1 };
