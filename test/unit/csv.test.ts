/** CSV exports: header order, quoting, and spreadsheet formulas neutralised. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../flows/exports';

describe('toCsv', () => {
  it('writes the header in column order and quotes commas, quotes and newlines', () => {
    const csv = toCsv([{ a: 'x, "y"', b: 'line\nbreak', c: 3 }], ['c', 'a', 'b']);
    expect(parse(csv)).toEqual([['c', 'a', 'b'], ['3', 'x, "y"', 'line\nbreak']]);
  });

  it('prefixes cells a spreadsheet would run as a formula', () => {
    const csv = toCsv([{ n: '=HYPERLINK("http://evil")' }, { n: '+1' }, { n: '-2' }, { n: '@SUM(A1)' }, { n: 'safe = fine' }], ['n']);
    expect(parse(csv).slice(1).map((r: string[]) => r[0])).toEqual(["'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", 'safe = fine']);
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv([] as Array<{ a: string }>, ['a'])).toBe('a\n');
  });
});
