import { ERASED } from '../../domain/personal-data.js';
import { LIVE_ACCOUNTS } from '../accounts/tables.js';

/**
 * Names and addresses as reports and exports show them, from the accounts read model: an
 * erased person's row keeps no name or address (its status says why), and reads as
 * `[erased]`, as the log replayed reads; someone the accounts read model does not have reads
 * as nothing. `attendee` is the SQL expression of the account id to join on.
 */
export const personJoin = (attendee: string): string => `LEFT JOIN ${LIVE_ACCOUNTS} person ON person.account_id = ${attendee}`;

export const PERSON_COLUMNS = `
  CASE WHEN person.status = 'erased' THEN '${ERASED}' ELSE person.name END AS name,
  CASE WHEN person.status = 'erased' THEN '${ERASED}' ELSE person.email END AS email`;
