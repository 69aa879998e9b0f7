/**
 * Management review refs and periods: `MR-2026-Q4` is the review of the quarter it is generated
 * in (local date of the organisation); a second review in the same quarter is `MR-2026-Q4-2`.
 * The period reviewed is the three months up to the generation day.
 */

/** The quarter of a local date `YYYY-MM-DD`. */
export function quarterOf(localDay: string): { year: number; quarter: number } {
  const year = Number(localDay.slice(0, 4));
  const month = Number(localDay.slice(5, 7));
  return { year, quarter: Math.floor((month - 1) / 3) + 1 };
}

/** `MR-2026-Q4`, or `MR-2026-Q4-n` for the n-th review of that quarter (n ≥ 2). */
export function managementReviewRef(year: number, quarter: number, n = 1): string {
  return `MR-${year}-Q${quarter}${n > 1 ? `-${n}` : ''}`;
}

/** Parses `MR-2026-Q4` or `MR-2026-Q4-2` (any case); null when it is not such a ref. */
export function parseManagementReviewRef(text: string): string | null {
  const m = /^mr-(\d{4})-q([1-4])(?:-(\d{1,4}))?$/i.exec(text.trim());
  if (!m) return null;
  const n = m[3] ? Number(m[3]) : 1;
  if (n < 1) return null;
  return managementReviewRef(Number(m[1]), Number(m[2]), n);
}

/** The local day three months before `localDay` (clamped to the month's last day). */
export function threeMonthsBefore(localDay: string): string {
  const y = Number(localDay.slice(0, 4));
  const m = Number(localDay.slice(5, 7)) - 3;
  const d = Number(localDay.slice(8, 10));
  const first = new Date(Date.UTC(y, m - 1, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus `days`. */
export function addDaysTo(localDay: string, days: number): string {
  const t = Date.parse(`${localDay}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The last `n` month labels (`YYYY-MM`) up to and including the month of `localDay`, oldest first. */
export function lastMonths(localDay: string, n: number): string[] {
  const y = Number(localDay.slice(0, 4));
  const m = Number(localDay.slice(5, 7));
  const out: string[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const d = new Date(Date.UTC(y, m - 1 - k, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}
