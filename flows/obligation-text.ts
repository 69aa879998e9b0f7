/**
 * How obligations read on every surface: each with its duty and "applies since 2 Feb 2025" or
 * "applies from 2 Dec 2027" against today's date, what applies now first. The classifier stays
 * clock-free; only this display reads a date.
 */
import type { Obligation } from './triage/types';
import { appliesPhrase, sortByApplicability } from './triage/legal-dates';

/** Today's date (YYYY-MM-DD, UTC) for `now`. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** One obligation as text: `id (ref) — duty, applies since …`; v1 obligations without a date as `id (ref)`. */
export function obligationText(o: Obligation, today: string): string {
  if (o.applicableFrom === undefined) return `${o.id} (${o.ref})`;
  const duty = o.duty ? `${o.duty} duty, ` : '';
  return `${o.id} (${o.ref}) — ${duty}${appliesPhrase(o.applicableFrom, today)}`;
}

/** Obligations sorted so what applies on `now` comes first, each as `obligationText`. */
export function obligationLines(obligations: readonly Obligation[], now: Date = new Date()): string[] {
  const today = isoDay(now);
  return sortByApplicability(obligations, today).map((o) => obligationText(o, today));
}

/** Obligations sorted so what applies on `now` comes first, for surfaces that escape each part. */
export function sortedObligations<T extends Obligation>(obligations: readonly T[], now: Date = new Date()): T[] {
  return sortByApplicability(obligations, isoDay(now));
}
