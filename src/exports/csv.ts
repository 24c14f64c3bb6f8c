import { type Stringifier, stringify } from 'csv-stringify';

/**
 * The CSV every export writes, for the spreadsheets organizers open it in:
 * - RFC 4180: CRLF line ends, a field holding a comma, a quote or a line break quoted, its quotes doubled;
 * - UTF-8 with a byte order mark, without which Excel reads the file in the machine's code page;
 * - formula injection neutralised as OWASP advises: a text cell that starts with = + - @, a tab
 *   or a carriage return (or their full-width forms, which Numbers folds to them) gets a leading
 *   `'`, so that a name like `=HYPERLINK(…)` shows as text instead of running (csv-stringify's
 *   `escape_formulas`); numbers are left alone;
 * - a cell holding a semicolon, a tab or a lone CR or LF quoted too: where the list separator
 *   is `;`, Excel splits an unquoted `Ann;=cmd…` into two cells, the second a formula again,
 *   and csv-stringify quotes only the record delimiter itself (CRLF), not a bare line break;
 * - times as UTC RFC 3339, nothing for none;
 * - a header line, even for a file of no rows.
 */
export const csvWriter = (columns: readonly string[]): Stringifier =>
  stringify({
    bom: true,
    header: true,
    // Each row's key is its header: the names the README documents are the query's own.
    columns: [...columns],
    record_delimiter: 'windows',
    escape_formulas: true,
    quoted_match: /[;\t\r\n]/,
    cast: { date: (value) => value.toISOString() },
  });
