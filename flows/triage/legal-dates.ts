/**
 * When each obligation applies (triage.md §9): the one data file of dates. An organisation's
 * counsel corrects a date in the policy's `legalDates`, keyed by the ids below, never in code.
 *
 * Ids are obligation ids; `<id>.annex_i_only` is the date for a system that is high-risk only
 * through the Annex I product route, and `stop_use.ncii_only` the date of the ban on
 * non-consensual intimate imagery when that is the only prohibited practice.
 */

/** Where a date comes from. */
const OMNIBUS =
  'Art. 113 as amended by the 2026 Digital Omnibus on AI, as publicly reported — verify against the Official Journal';
const ORIGINAL = 'Art. 113 of Regulation (EU) 2024/1689';

/** One dated entry: the ISO date (or null when no date applies) and where it comes from. */
export interface LegalDate {
  date: string | null;
  note: string;
}

/** Every obligation's `applicableFrom`, with its source note. */
export const LEGAL_DATES = {
  ai_literacy: { date: '2025-02-02', note: `${ORIGINAL}(a): Chapters I and II apply from 2 February 2025` },
  stop_use: { date: '2025-02-02', note: `${ORIGINAL}(a): the Art. 5 prohibitions apply from 2 February 2025` },
  'stop_use.ncii_only': {
    date: '2026-12-02',
    note: `${OMNIBUS}; the ban on non-consensual intimate imagery and child sexual abuse material applies from 2 December 2026`,
  },
  provider_high_risk: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  'provider_high_risk.annex_i_only': { date: '2028-08-02', note: `${OMNIBUS}; Annex I (Art. 6(1)) high-risk systems` },
  post_market_monitoring: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  'post_market_monitoring.annex_i_only': { date: '2028-08-02', note: `${OMNIBUS}; Annex I (Art. 6(1)) high-risk systems` },
  serious_incident_reporting: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  'serious_incident_reporting.annex_i_only': { date: '2028-08-02', note: `${OMNIBUS}; Annex I (Art. 6(1)) high-risk systems` },
  deployer_high_risk: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  'deployer_high_risk.annex_i_only': { date: '2028-08-02', note: `${OMNIBUS}; Annex I (Art. 6(1)) high-risk systems` },
  inform_workers: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  'inform_workers.annex_i_only': { date: '2028-08-02', note: `${OMNIBUS}; Annex I (Art. 6(1)) high-risk systems` },
  inform_affected_persons: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  explanation_on_request: { date: '2027-12-02', note: `${OMNIBUS}; Art. 86 follows the Annex III date` },
  register_use: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  fria: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  art6_3_record: { date: '2027-12-02', note: `${OMNIBUS}; Annex III high-risk systems` },
  ask_provider_art6_3: { date: '2027-12-02', note: `${OMNIBUS}; follows the provider's Art. 6(4) duty` },
  disclose_ai_interaction: { date: '2026-08-02', note: `${ORIGINAL}: general application, including Art. 50, from 2 August 2026` },
  mark_synthetic_content: {
    date: '2026-08-02',
    note: `${ORIGINAL}: Art. 50 from 2 August 2026; ${OMNIBUS}, systems already on the market may have until 2 December 2026`,
  },
  disclose_deepfake: { date: '2026-08-02', note: `${ORIGINAL}: Art. 50 from 2 August 2026` },
  disclose_ai_text: { date: '2026-08-02', note: `${ORIGINAL}: Art. 50 from 2 August 2026` },
  inform_exposed_persons: { date: '2026-08-02', note: `${ORIGINAL}: Art. 50 from 2 August 2026` },
  dpia: { date: '2018-05-25', note: 'GDPR (Regulation (EU) 2016/679) Art. 99(2): applies from 25 May 2018' },
  vendor_data_terms: { date: null, note: 'ISO/IEC 42001 Annex A control; no legal date' },
} as const satisfies Record<string, LegalDate>;

/** An id of `LEGAL_DATES`, accepted as a key of the policy's `legalDates`. */
export type LegalDateId = keyof typeof LEGAL_DATES;

/** All date ids, for validating the policy's `legalDates`. */
export const LEGAL_DATE_IDS: readonly string[] = Object.keys(LEGAL_DATES);

/** The date for `id`: the policy's override when it has one, else the data file's. */
export function applicableFrom(id: LegalDateId, overrides: Readonly<Record<string, string>> = {}): string | null {
  return overrides[id] ?? LEGAL_DATES[id].date;
}

/**
 * How a date reads against today: "applies since 2 Feb 2025" or "applies from 2 Dec 2027";
 * "no fixed date" when there is none. `today` is an ISO date (YYYY-MM-DD) in the reader's zone.
 */
export function appliesPhrase(date: string | null | undefined, today: string): string {
  if (!date) return 'no fixed date';
  return date <= today ? `applies since ${shortDate(date)}` : `applies from ${shortDate(date)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2025-02-02 → "2 Feb 2025". */
export function shortDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/**
 * Obligations sorted so what applies on `today` comes first (by date, earliest first), then
 * what applies later (earliest first), then those with no date; ties keep their order.
 */
export function sortByApplicability<T extends { applicableFrom?: string | null }>(items: readonly T[], today: string): T[] {
  const rank = (o: T) => (o.applicableFrom ? (o.applicableFrom <= today ? 0 : 1) : 2);
  return items
    .map((o, i) => ({ o, i }))
    .sort((x, y) => rank(x.o) - rank(y.o) || (x.o.applicableFrom ?? '').localeCompare(y.o.applicableFrom ?? '') || x.i - y.i)
    .map(({ o }) => o);
}
