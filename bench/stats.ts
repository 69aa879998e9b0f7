/**
 * Statistics of the side-by-side benchmark: each figure is measured three times (aimsbot and its
 * baseline interleaved), and reported as the median with its spread, and the ratio of medians.
 */

/** The median of the values (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/**
 * The spread of repeated measurements: (max − min) / median, as a fraction (0.1 = ±10 % band).
 * NaN when there is nothing to compare or the median is 0.
 */
export function spread(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  const m = median(finite);
  if (finite.length === 0 || !m) return Number.NaN;
  return (Math.max(...finite) - Math.min(...finite)) / Math.abs(m);
}

/** aimsbot's median over the baseline's median; NaN when either is missing or the baseline is 0. */
export function ratio(ours: number, baseline: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return ours / baseline;
}

/** The nearest-rank percentile of `p` (0–100) over the values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** One target of the issue: a figure compared with a limit. */
export interface Target {
  /** What is measured, e.g. `ack p99 / bare Bolt`. */
  label: string;
  value: number;
  /** `<=`: the value must not exceed the limit; `>=`: it must reach it. */
  op: '<=' | '>=';
  limit: number;
  /** How to print the value and the limit, e.g. `×` or ` ms`. */
  unit?: string;
}

/** Whether a target is met; a missing value (NaN, a failed run) never is. */
export function met(t: Target): boolean {
  if (!Number.isFinite(t.value)) return false;
  return t.op === '<=' ? t.value <= t.limit : t.value >= t.limit;
}

/** A one-line verdict: `MET` or `MISSED`, then every target with its value. */
export function verdict(scenario: string, targets: readonly Target[]): string {
  const missed = targets.filter((t) => !met(t));
  const parts = targets.map((t) => `${t.label} ${fmt(t.value)}${t.unit ?? ''} ${t.op} ${fmt(t.limit)}${t.unit ?? ''} ${met(t) ? 'ok' : 'MISSED'}`);
  const head = missed.length === 0 ? 'MET' : `MISSED ${missed.length}/${targets.length}`;
  return `verdict ${scenario}: ${head} — ${parts.join('; ')}`;
}

/** A number for a table: `n/a` when missing, few digits otherwise. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A row of a scenario's table: a figure measured for aimsbot and its baseline. */
export interface Row {
  metric: string;
  unit: string;
  ours: number[];
  baseline: number[];
}

/** The table rows as text: metric, aimsbot median ± spread, baseline median ± spread, ratio. */
export function table(rows: readonly Row[]): string {
  const head = ['metric', 'aimsbot (median ±spread)', 'baseline (median ±spread)', 'ratio'];
  const cell = (vs: number[], unit: string) => (vs.length === 0 ? '—' : `${fmt(median(vs))}${unit} ±${fmt(spread(vs) * 100)}%`);
  const lines = rows.map((r) => {
    const failed = r.ours.some((v) => Number.isNaN(v)) ? ' (failed)' : '';
    return [r.metric, cell(r.ours, r.unit) + failed, cell(r.baseline, r.unit), r.baseline.length ? `${fmt(ratio(median(r.ours), median(r.baseline)))}×` : '—'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(line)].join('\n');
}
