/** CSV exports neutralise formulas hidden behind full-width signs and invisible characters. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../flows/exports';
import { INVENTORY_COLUMNS } from '../../flows/jobs/inventory-csv';

const cells = (values: string[]) => (parse(toCsv(values.map((n) => ({ n })), ['n'])) as string[][]).slice(1).map((r) => r[0]);

describe('CSV formula protection', () => {
  it('treats full-width = + - @ like their ASCII forms', () => {
    expect(cells(['＝HYPERLINK("http://evil")', '＋1', '－2', '＠SUM(A1)'])).toEqual(["'＝HYPERLINK(\"http://evil\")", "'＋1", "'－2", "'＠SUM(A1)"]);
  });

  it('sees a formula behind zero-width and bidirectional characters', () => {
    for (const invisible of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202E', '\u200B\uFEFF']) {
      for (const start of ['=', '+', '-', '@', '＝', '\t']) {
        const value = `${invisible}${start}cmd|' /C calc'!A0`;
        expect(cells([value]), JSON.stringify(value)).toEqual([`'${value}`]);
      }
    }
  });

  it('still catches a leading tab or carriage return, and leaves ordinary text alone', () => {
    expect(cells(['\t=1', '\r=1', 'Acme = good', '\u200Bplain', 'a-b'])).toEqual(["'\t=1", "'\r=1", 'Acme = good', '\u200Bplain', 'a-b']);
  });

  it('applies to the inventory CSV columns the digest attaches', () => {
    const row = Object.fromEntries(INVENTORY_COLUMNS.map((c) => [c, `\u200B＝HYPERLINK("x")`]));
    const [, values] = parse(toCsv([row], INVENTORY_COLUMNS)) as string[][];
    expect(values!.every((v) => v.startsWith("'"))).toBe(true);
  });
});
