/**
 * What an import says about each row of its file, in an organizer's words. A dry run says what
 * would happen (`will_register`, `over_capacity`); a committed import what did (`registered`,
 * `waitlisted`); the rest read the same in both.
 */
export const IMPORT_OUTCOMES = [
  'will_register',
  'over_capacity',
  'registered',
  'waitlisted',
  'already_registered',
  'previously_cancelled',
  'duplicate_in_file',
  'invalid_email',
  'invalid_row',
  'refused',
] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** The registration a row has (or would have) after the import. */
export type ImportedStatus = 'confirmed' | 'pending' | 'waitlisted';

export interface ReportRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number;
  /**
   * The row's address, normalised when it is one. Only while the file is at hand: an import's
   * kept report holds no address (personal data stays in the log, where erasure reaches it).
   */
  email: string | null;
  outcome: ImportOutcome;
  status: ImportedStatus | null;
  /** Why a row was left out, in a sentence that never repeats the row's values. */
  message: string | null;
  accountId: string | null;
  registrationId: string | null;
}

export type OutcomeCounts = Partial<Record<ImportOutcome, number>>;

export const countOutcomes = (rows: readonly Pick<ReportRow, 'outcome'>[]): OutcomeCounts => {
  const counts: OutcomeCounts = {};
  for (const { outcome } of rows) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
};

/** A row left out of the import, before it is looked up. */
export const leftOut = (row: number, email: string | null, outcome: ImportOutcome, message: string): ReportRow => ({
  row,
  email,
  outcome,
  status: null,
  message,
  accountId: null,
  registrationId: null,
});
