import { emailAddress, personName } from '../domain/account/credentials.js';
import { DomainError } from '../domain/domain-error.js';
import { NOTE, type OrganizerStatus, organizerStatus } from '../domain/event/business-logic.js';
import { text, textProblem } from '../domain/values.js';
import type { FileRow } from './attendee-file.js';
import { type ReportRow, leftOut } from './import-report.js';

/** A row fit to import: its values as the deciders will take them. */
export interface Candidate {
  row: number;
  /** Normalised, as the account side keys addresses. */
  email: string;
  name: string;
  /** Absent when the row leaves it to the event's approval rule. */
  status?: OrganizerStatus;
  /** Kept with the registration (RegistrationNoteAdded); absent when the row's is blank. */
  note?: string;
}

export type CheckedRow = { kind: 'candidate'; candidate: Candidate } | { kind: 'left_out'; report: ReportRow };

/** What the report shows of an address it could not take: enough to find the row, never a whole field of any length. */
const SHOWN_EMAIL = 254;

/** Nothing a terminal would run as a control sequence (the CLI prints the report). */
const shown = (raw: string): string | null => (textProblem(raw) ? null : raw.slice(0, SHOWN_EMAIL) || null);

const refusal = (error: unknown): string => {
  if (error instanceof DomainError) return error.message;
  throw error;
};

/** The row's values through the deciders' own checks, so that what the report accepts, the commands accept. */
const candidateOf = (row: FileRow): Candidate | ReportRow => {
  const raw = (row.values.email ?? '').trim();
  let email: string;
  try {
    email = emailAddress(raw);
  } catch (error) {
    return leftOut(row.row, shown(raw), 'invalid_email', refusal(error));
  }
  if (row.problem) return leftOut(row.row, email, 'invalid_row', row.problem);
  try {
    const status = row.values.status?.trim().toLowerCase();
    const note = row.values.note?.trim();
    return {
      row: row.row,
      email,
      name: personName(row.values.name ?? ''),
      ...(status ? { status: organizerStatus(status) } : {}),
      ...(note ? { note: text(note, 'note', NOTE) } : {}),
    };
  } catch (error) {
    return leftOut(row.row, email, 'invalid_row', refusal(error));
  }
};

/** Each row checked on its own, then against the rows before it: an address is imported once, from its first good row. */
export const checkRows = (rows: readonly FileRow[]): CheckedRow[] => {
  const firstRowOf = new Map<string, number>();
  return rows.map((row): CheckedRow => {
    const checked = candidateOf(row);
    if ('outcome' in checked) return { kind: 'left_out', report: checked };
    const first = firstRowOf.get(checked.email);
    if (first !== undefined) return { kind: 'left_out', report: leftOut(row.row, checked.email, 'duplicate_in_file', `The address is in row ${first} already`) };
    firstRowOf.set(checked.email, row.row);
    return { kind: 'candidate', candidate: checked };
  });
};
