import { LIVE } from '../projections/attendance/tables.js';
import { PERSON_COLUMNS, personJoin } from '../projections/reports/people.js';
import type { CsvExport } from './csv-export.js';

/**
 * An event's door log, every session's, in log order: check-ins, refused scans, face
 * verdicts and undos, with whose ticket it was (a refused scan's from its registration, as
 * the door event does not name the attendee) and their name and address as the accounts
 * read model has them now.
 */
export const checkInsExport: CsvExport = {
  file: 'checkins.csv',
  columns: ['at', 'session_id', 'session_starts_at', 'registration_id', 'attendee_id', 'name', 'email', 'kind', 'result', 'reason', 'staff_id'],
  query: (eventId) => ({
    text: `SELECT c.at, c.session_id, s.starts_at AS session_starts_at, c.registration_id, d.attendee_id, ${PERSON_COLUMNS},
                  c.kind, c.result, c.reason, c.staff_id
             FROM ${LIVE}.check_ins c
             LEFT JOIN ${LIVE}.sessions s ON s.event_id = c.event_id AND s.session_id = c.session_id
             LEFT JOIN ${LIVE}.registrations r ON r.event_id = c.event_id AND r.registration_id = c.registration_id
             CROSS JOIN LATERAL (SELECT coalesce(c.attendee_id, r.attendee_id) AS attendee_id) d
             ${personJoin('d.attendee_id')}
            WHERE c.event_id = $1 ORDER BY c.position, c.prepare_position`,
    values: [eventId],
  }),
};
