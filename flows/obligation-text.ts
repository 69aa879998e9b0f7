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

/**
 * Each obligation's name as people read it; the id stays in data, `classify` output and exports.
 * An id without a name here (a newer one) reads as its words.
 */
export const OBLIGATION_TITLE: Readonly<Record<string, string>> = {
  ai_literacy: 'AI literacy',
  stop_use: 'Stop using it',
  provider_high_risk: 'High-risk provider duties',
  post_market_monitoring: 'Post-market monitoring',
  serious_incident_reporting: 'Serious incident reporting',
  deployer_high_risk: 'High-risk deployer duties',
  inform_workers: 'Inform workers',
  inform_affected_persons: 'Inform the people affected',
  explanation_on_request: 'Explanation on request',
  register_use: 'Register the use',
  fria: 'Fundamental rights impact assessment',
  art6_3_record: 'Record why it is not high-risk',
  ask_provider_art6_3: "Keep the provider's not-high-risk assessment",
  disclose_ai_interaction: 'Disclose that people talk to an AI',
  mark_synthetic_content: 'Mark generated content',
  disclose_deepfake: 'Disclose deep fakes',
  disclose_ai_text: 'Disclose AI-generated text',
  inform_exposed_persons: 'Inform the people exposed',
  dpia: 'Data protection impact assessment',
  vendor_data_terms: "Vendor's terms on our data",
};

/** The obligation's name as people read it. */
export function obligationTitle(id: string): string {
  const title = OBLIGATION_TITLE[id];
  if (title) return title;
  const words = id.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One obligation as text: `Title (ref) — duty, applies since …`; v1 obligations without a date as `Title (ref)`. */
export function obligationText(o: Obligation, today: string): string {
  if (o.applicableFrom === undefined) return `${obligationTitle(o.id)} (${o.ref})`;
  const duty = o.duty ? `${o.duty} duty, ` : '';
  return `${obligationTitle(o.id)} (${o.ref}) — ${duty}${appliesPhrase(o.applicableFrom, today)}`;
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
