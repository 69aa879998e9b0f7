/** Management review refs and periods, and the chart specs' data. */
import { describe, expect, it } from 'vitest';
import { addDaysTo, lastMonths, managementReviewRef, parseManagementReviewRef, quarterOf, threeMonthsBefore } from '../../flows/management-review/period';
import { ncAgeingChart, NC_AGE_BUCKETS } from '../../flows/charts/specs';
import { pngSize } from '../../flows/charts/render';

describe('management review refs and periods', () => {
  it('names a review by the quarter of its local date, with -n for later ones', () => {
    expect(quarterOf('2026-12-01')).toEqual({ year: 2026, quarter: 4 });
    expect(quarterOf('2027-01-01')).toEqual({ year: 2027, quarter: 1 });
    expect(quarterOf('2026-06-30')).toEqual({ year: 2026, quarter: 2 });
    expect(managementReviewRef(2026, 4)).toBe('MR-2026-Q4');
    expect(managementReviewRef(2026, 4, 2)).toBe('MR-2026-Q4-2');
  });

  it('parses refs in any case and refuses anything else', () => {
    expect(parseManagementReviewRef('mr-2026-q4')).toBe('MR-2026-Q4');
    expect(parseManagementReviewRef(' MR-2026-Q4-2 ')).toBe('MR-2026-Q4-2');
    expect(parseManagementReviewRef('MR-2026-Q4-1')).toBe('MR-2026-Q4');
    for (const bad of ['MR-2026-Q5', 'MR-2026-Q4-0', 'AI-1', 'MR-26-Q4', '', 'MR-2026-Q4; drop table']) expect(parseManagementReviewRef(bad)).toBeNull();
  });

  it('the period is the three months before, clamped to the month end', () => {
    expect(threeMonthsBefore('2026-12-01')).toBe('2026-09-01');
    expect(threeMonthsBefore('2026-05-31')).toBe('2026-02-28');
    expect(threeMonthsBefore('2027-01-15')).toBe('2026-10-15');
    expect(addDaysTo('2026-12-31', 1)).toBe('2027-01-01');
    expect(lastMonths('2026-02-10', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });

  it('the NC ageing chart keeps every bucket in order and says what it shows', () => {
    const chart = ncAgeingChart([{ bucket: 'over 90 days', severity: 'major', count: 2 }]);
    expect(chart.name).toBe('nc-ageing');
    expect(chart.alt).toContain('over 90 days major: 2');
    expect(JSON.stringify(chart.spec)).toContain(JSON.stringify([...NC_AGE_BUCKETS]));
  });

  it('pngSize reads IHDR and refuses what is not a PNG', () => {
    const png = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    png.write('IHDR', 12, 'ascii');
    png.writeUInt32BE(640, 16);
    png.writeUInt32BE(480, 20);
    expect(pngSize(png)).toEqual({ width: 640, height: 480 });
    expect(pngSize(Buffer.from('%PDF-1.7 not an image at all'))).toBeNull();
  });
});
