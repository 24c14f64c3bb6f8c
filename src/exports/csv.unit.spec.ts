import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { csvWriter } from './csv.js';

const BOM = '\uFEFF';

// Decoded by Buffer, which keeps a byte order mark (TextDecoder, and so stream/consumers' text, drops it).
const csvOf = async (rows: object[], columns = ['name', 'n']) => (await buffer(Readable.from(rows).pipe(csvWriter(columns)))).toString('utf8');

/** The file's lines after its BOM and header. */
const bodyOf = async (rows: object[]) => (await csvOf(rows)).slice(BOM.length).split('\r\n').slice(1, -1);

describe('an export’s CSV', () => {
  it('starts with a UTF-8 byte order mark and the header, ends each line with CRLF, and has the header alone when there are no rows', async () => {
    expect(await csvOf([])).toBe(`${BOM}name,n\r\n`);
    expect(await csvOf([{ name: 'Ann', n: 1 }])).toBe(`${BOM}name,n\r\nAnn,1\r\n`);
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+48 600 700 800', "'+48 600 700 800"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['＝1+1', "'＝1+1"],
  ])('neutralises a formula-looking cell %j by a leading quote', async (cell, written) => {
    expect(await bodyOf([{ name: cell, n: 1 }])).toEqual([`${written},1`]);
  });

  it('leaves numbers, and text with a formula character further in, as they are', async () => {
    expect(await bodyOf([{ name: 'Ann-Marie = chair', n: -3 }])).toEqual(['Ann-Marie = chair,-3']);
  });

  it('quotes cells with commas, quotes, line breaks or semicolons, doubling quotes, and keeps Unicode as it is', async () => {
    expect(
      await bodyOf([
        { name: 'Kowalski, Jan', n: 1 },
        { name: 'Ann "The Hammer" Lee', n: 2 },
        { name: 'line one\nline two', n: 3 },
        { name: 'Ann;=cmd', n: 4 },
        { name: 'Zażółć gęślą jaźń 🎉 東京', n: 5 },
      ]),
    ).toEqual(['"Kowalski, Jan",1', '"Ann ""The Hammer"" Lee",2', '"line one\nline two",3', '"Ann;=cmd",4', 'Zażółć gęślą jaźń 🎉 東京,5']);
  });

  it('writes times as UTC RFC 3339 and nothing for a missing value', async () => {
    expect(await bodyOf([{ name: new Date('2025-03-10T09:00:00+01:00'), n: null }])).toEqual(['2025-03-10T08:00:00.000Z,']);
  });
});
