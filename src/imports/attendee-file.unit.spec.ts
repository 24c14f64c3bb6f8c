import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import { MAX_FILE_BYTES, MAX_ROWS, readAttendeeFile } from './attendee-file.js';

const file = (text: string): Uint8Array => new TextEncoder().encode(text);
const BOM = '\uFEFF';

const refusal = (bytes: Uint8Array): { code: string; reason: unknown; message: string } => {
  try {
    readAttendeeFile(bytes);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, reason: error.details.reason, message: error.message };
  }
  throw new Error('the file was read');
};

describe('An attendee file', () => {
  it('reads a spreadsheet’s UTF-8 export: byte order mark, Windows line ends, the header in any case', () => {
    const read = readAttendeeFile(file(`${BOM} Email ,NAME\r\nada@example.org,Ada Lovelace\r\nzoë@example.org,Zoë\r\n`));
    expect(read.delimiter).toBe(',');
    expect(read.rows).toEqual([
      { row: 2, values: { email: 'ada@example.org', name: 'Ada Lovelace' } },
      { row: 3, values: { email: 'zoë@example.org', name: 'Zoë' } },
    ]);
  });

  it('tells semicolons from commas by the header, so commas in values stay values', () => {
    const read = readAttendeeFile(file('name;email;status;note\nLovelace, Ada;ada@example.org;pending;Row 1, front\n'));
    expect(read.delimiter).toBe(';');
    expect(read.rows[0]!.values).toEqual({ name: 'Lovelace, Ada', email: 'ada@example.org', status: 'pending', note: 'Row 1, front' });
  });

  it('reads quoted fields: delimiters, doubled quotes and line breaks inside them, quoted header names', () => {
    const read = readAttendeeFile(file('"email","name","note"\r\n"ada@example.org","Ada ""Countess"" Lovelace","first line\r\nsecond, line"\r\nbob@example.org,Bob,\r\n'));
    expect(read.rows).toEqual([
      { row: 2, values: { email: 'ada@example.org', name: 'Ada "Countess" Lovelace', note: 'first line\r\nsecond, line' } },
      { row: 3, values: { email: 'bob@example.org', name: 'Bob', note: '' } },
    ]);
  });

  it('skips blank rows but counts them, as a spreadsheet numbers its rows; ignores columns it does not know', () => {
    const read = readAttendeeFile(file('email,phone,name\n\nada@example.org,123,Ada\n , , \nbob@example.org,456,Bob'));
    expect(read.rows.map(({ row, values }) => ({ row, values }))).toEqual([
      { row: 3, values: { email: 'ada@example.org', name: 'Ada' } },
      { row: 5, values: { email: 'bob@example.org', name: 'Bob' } },
    ]);
  });

  it('marks a row with more fields than the header, rather than guessing which value is which; fewer leave the last columns empty', () =>
    expect(readAttendeeFile(file('email,name,note\nada@example.org,Lovelace, Ada,x\nbob@example.org,Bob\n')).rows).toEqual([
      {
        row: 2,
        values: { email: 'ada@example.org', name: 'Lovelace', note: ' Ada' },
        problem: 'The row has 4 fields where the header has 3: quote values that hold the delimiter',
      },
      { row: 3, values: { email: 'bob@example.org', name: 'Bob' } },
    ]));

  it('refuses bytes that are not UTF-8, rather than reading them as replacement characters', () =>
    expect(refusal(Uint8Array.from([...file('email,name\nada@example.org,Ren'), 0xe9, 0x0a]))).toMatchObject({ code: 'VALIDATION', reason: 'INVALID_UTF8' }));

  it.each([
    ['an empty file', '', /empty/],
    ['a file of blank lines', '\r\n\r\n', /empty/],
    ['no header', 'ada@example.org,Ada\n', /header naming the columns email and name/],
    ['a header without name', 'email,full name\nada@example.org,Ada\n', /header naming the columns email and name/],
    ['a tab-separated header', 'email\tname\nada@example.org\tAda\n', /header naming/],
  ])('refuses %s as MISSING_HEADER', (_case, text, message) =>
    expect(refusal(file(text))).toMatchObject({ code: 'VALIDATION', reason: 'MISSING_HEADER', message: expect.stringMatching(message) }));

  it('refuses a header naming a column twice', () =>
    expect(refusal(file('email,name,Email\na@example.org,A,b@example.org\n'))).toMatchObject({ reason: 'BAD_HEADER', message: 'The header names the column email twice' }));

  it.each([
    ['binary data (a spreadsheet’s own format renamed)', 'PK\u0003\u0004\u0000\u0000email,name', /binary data/],
    ['a quote never closed', 'email,name\nada@example.org,"Ada\nbob@example.org,Bob\n', /quoted field is never closed/],
    ['text after a closing quote', 'email,name\nada@example.org,"Ada" Lovelace\n', /line 2/],
    ['a quote inside an unquoted field', 'email,name\nada@example.org,Ada "the" Countess\n', /not a well-formed CSV file/],
  ])('refuses %s as NOT_CSV', (_case, text, message) =>
    expect(refusal(file(text))).toMatchObject({ code: 'VALIDATION', reason: 'NOT_CSV', message: expect.stringMatching(message) }));

  it(`takes ${MAX_ROWS} rows and refuses one more`, () => {
    const rows = (count: number) => `email,name\n${Array.from({ length: count }, (_, i) => `p${i}@example.org,P${i}`).join('\n')}\n`;
    expect(readAttendeeFile(file(rows(MAX_ROWS))).rows).toHaveLength(MAX_ROWS);
    expect(refusal(file(rows(MAX_ROWS + 1)))).toMatchObject({ reason: 'TOO_MANY_ROWS', message: 'The file has more than 50,000 rows; split it into smaller files' });
  });

  it('refuses a file over 10 MB before reading a byte of it', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0xff);
    expect(refusal(big)).toMatchObject({ reason: 'FILE_TOO_LARGE', message: 'The file is over 10 MB; split it into smaller files' });
    expect(() => readAttendeeFile(new Uint8Array(MAX_FILE_BYTES).fill(0x20))).toThrow(/empty/);
  });
});
