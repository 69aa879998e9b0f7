/** The benchmark's statistics: median, spread, ratio, percentiles and the one-line verdict. */
import { describe, expect, it } from 'vitest';
import { fmt, median, met, percentile, ratio, spread, table, verdict } from '../../bench/stats';

describe('bench statistics', () => {
  it('takes the median of odd and even counts, ignoring failed runs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('gives the spread as (max − min) over the median', () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(spread([7])).toBe(0);
    expect(spread([])).toBeNaN();
  });

  it('divides medians and refuses a zero or missing baseline', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });

  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });

  it('says MET only when every target is met, and a failed figure never meets one', () => {
    expect(met({ label: 'a', value: 1.4, op: '<=', limit: 1.5 })).toBe(true);
    expect(met({ label: 'a', value: 0.6, op: '>=', limit: 0.7 })).toBe(false);
    expect(met({ label: 'a', value: Number.NaN, op: '<=', limit: 1 })).toBe(false);
    expect(verdict('ack', [{ label: 'p99 ratio', value: 1.2, op: '<=', limit: 1.5, unit: '×' }])).toBe('verdict ack: MET — p99 ratio 1.20× <= 1.50× ok');
    const line = verdict('jobs', [
      { label: 'work', value: 1, op: '<=', limit: 2, unit: ' s' },
      { label: 'rss', value: Number.NaN, op: '<=', limit: 300, unit: ' MiB' },
    ]);
    expect(line).toMatch(/^verdict jobs: MISSED 1\/2 — /);
    expect(line).toContain('rss n/a MiB <= 300 MiB MISSED');
  });

  it('prints a table with medians, spreads and ratios', () => {
    const t = table([{ metric: 'ack p99', unit: ' ms', ours: [4, 5, 6], baseline: [2, 2, 2] }]);
    expect(t).toContain('| ack p99 ');
    expect(t).toContain('5.00 ms ±40.0%');
    expect(t).toContain('2.50×');
    expect(fmt(Number.NaN)).toBe('n/a');
  });
});
