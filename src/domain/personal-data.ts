import type { DomainEventType } from './domain-events.js';

/**
 * Which fields of which events hold personal data, and whose: the event store seals each such
 * field under its person's own key, and erasing the person destroys the key (crypto-shredding),
 * so the log stays immutable while the data in it becomes unreadable. `subject` names the data
 * field holding the person's id.
 */
export const PERSONAL_FIELDS = {
  AccountSignedUp: { subject: 'accountId', fields: ['email', 'name'] },
  AccountInvited: { subject: 'accountId', fields: ['email', 'name'] },
  // On the event's stream, yet the attendee's: erasing them shreds the note with their name.
  RegistrationNoteAdded: { subject: 'attendeeId', fields: ['note'] },
} as const satisfies Partial<Record<DomainEventType, { subject: string; fields: readonly string[] }>>;

/** What a personal field reads as once its person is erased. */
export const ERASED = '[erased]';
