import { LIVE } from '../projections/attendance/tables.js';
import { PERSON_COLUMNS, personJoin } from '../projections/reports/people.js';
import type { CsvExport } from './csv-export.js';

/**
 * An event's registrations, in the order they were made, with each attendee's name and
 * address as the accounts read model has them now, and the organizer's note as the attendance
 * read model keeps it (`[erased]` with its person). It reads the attendance read model's
 * tables directly, in one statement streamed by a cursor, like its own registration queries.
 */
export const registrationsExport: CsvExport = {
  file: 'registrations.csv',
  columns: ['registration_id', 'attendee_id', 'name', 'email', 'status', 'registered_at', 'confirmed_at', 'confirmed_via', 'ticket_version', 'note'],
  query: (eventId) => ({
    text: `SELECT r.registration_id, r.attendee_id, ${PERSON_COLUMNS}, r.status, r.registered_at, r.confirmed_at, r.confirmed_via, r.ticket_version, r.note
             FROM ${LIVE}.registrations r ${personJoin('r.attendee_id')}
            WHERE r.event_id = $1 ORDER BY r.registered_position, r.registration_id`,
    values: [eventId],
  }),
};
