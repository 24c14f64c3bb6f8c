import { parse } from 'csv-parse/sync';
import { DomainError } from '../domain/domain-error.js';

/**
 * An attendee list as an organizer exports it from a spreadsheet: CSV in UTF-8 (with or
 * without a byte order mark), comma- or semicolon-separated (a spreadsheet set to a language
 * whose decimal point is a comma saves semicolons), quoted fields, Windows or Unix line ends.
 * A header names the columns: email and name are required, status and note optional, others
 * ignored. A file that is not such a list is refused whole, before anything is looked up.
 */

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 50_000;

/** Why a file was refused, sent as `extensions.reason` beside the code VALIDATION. */
export type BadFileReason = 'FILE_TOO_LARGE' | 'INVALID_UTF8' | 'NOT_CSV' | 'MISSING_HEADER' | 'BAD_HEADER' | 'TOO_MANY_ROWS';

export const badFile = (reason: BadFileReason, message: string): DomainError => new DomainError('VALIDATION', message, { reason });

export const tooLarge = (): DomainError => badFile('FILE_TOO_LARGE', `The file is over ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into smaller files`);

export const COLUMNS = ['email', 'name', 'status', 'note'] as const;
export type Column = (typeof COLUMNS)[number];

/** One data row, its values as the file has them (a column it lacks is undefined). */
export interface FileRow {
  /** Its number as a spreadsheet shows it: the header is row 1, blank rows count. */
  row: number;
  values: Partial<Record<Column, string>>;
  /** What makes it unreadable as a whole (more fields than the header), when something does. */
  problem?: string;
}

export interface AttendeeFile {
  delimiter: ',' | ';';
  rows: FileRow[];
}

/** Strict: a byte sequence that is not UTF-8 is refused rather than read as U+FFFD. The BOM, if any, is dropped. */
const decode = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badFile('INVALID_UTF8', 'The file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"');
  }
};

const headerName = (field: string): string => field.trim().replace(/^"(.*)"$/s, '$1').trim().toLowerCase();

/** The delimiter under which the first line names both required columns; none when neither does. */
const delimiterOf = (text: string): AttendeeFile['delimiter'] | undefined => {
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0]!;
  return ([',', ';'] as const).find((delimiter) => {
    const names = firstLine.split(delimiter).map(headerName);
    return names.includes('email') && names.includes('name');
  });
};

const MALFORMED: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote ends a field but more text follows it',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quote ends a field but more text follows it',
};

const records = (text: string, delimiter: string): string[][] => {
  try {
    // Blank lines are kept, as empty records, so that row numbers stay a spreadsheet's.
    return parse(text, { delimiter, relax_quotes: false, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (error) {
    const { code, lines } = error as { code?: string; lines?: number };
    const what = (code && MALFORMED[code]) ?? 'it cannot be read as CSV';
    throw badFile('NOT_CSV', `This is not a well-formed CSV file: ${what}${lines ? ` (line ${lines})` : ''}`);
  }
};

const isBlank = (record: readonly string[]): boolean => record.every((field) => field.trim() === '');

/** Which field holds each known column; a column named twice is a header nobody can read one way. */
const columnsOf = (header: readonly string[]): Map<Column, number> => {
  const columns = new Map<Column, number>();
  header.forEach((field, index) => {
    const name = headerName(field) as Column;
    if (!COLUMNS.includes(name)) return;
    if (columns.has(name)) throw badFile('BAD_HEADER', `The header names the column ${name} twice`);
    columns.set(name, index);
  });
  return columns;
};

/** The file's rows, or a refusal naming what is wrong with it (`extensions.reason`). */
export const readAttendeeFile = (bytes: Uint8Array): AttendeeFile => {
  if (bytes.byteLength > MAX_FILE_BYTES) throw tooLarge();
  const text = decode(bytes);
  // Text never holds NUL: this is a spreadsheet's own format, an image or an archive, renamed.
  if (text.includes('\u0000')) throw badFile('NOT_CSV', 'This is not a CSV file but binary data: export the sheet as CSV');
  if (text.trim() === '') throw badFile('MISSING_HEADER', 'The file is empty: its first row must be a header naming the columns email and name');
  const delimiter = delimiterOf(text);
  if (!delimiter) throw badFile('MISSING_HEADER', 'The first row must be a header naming the columns email and name, separated by commas or semicolons');
  const [header, ...data] = records(text, delimiter);
  const columns = columnsOf(header!);
  const rows: FileRow[] = [];
  data.forEach((record, index) => {
    if (isBlank(record)) return;
    if (rows.length === MAX_ROWS)
      throw badFile('TOO_MANY_ROWS', `The file has more than ${MAX_ROWS.toLocaleString('en-US')} rows; split it into smaller files`);
    const values = Object.fromEntries([...columns].flatMap(([column, at]) => (at < record.length ? [[column, record[at]!]] : [])));
    // Fewer fields leave the last columns empty; more mean a value was split (an unquoted comma), and which is which cannot be told.
    const problem = record.length <= header!.length ? {} : { problem: `The row has ${record.length} fields where the header has ${header!.length}: quote values that hold the delimiter` };
    rows.push({ row: index + 2, values, ...problem });
  });
  return { delimiter, rows };
};
