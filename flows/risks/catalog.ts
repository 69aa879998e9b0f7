/**
 * The risk catalog (spec/aims.md "Risk catalog"): the ten `source` ids, each with a plain
 * description, the Annex A controls that typically treat it, and a rule that suggests it from
 * the triage answers (questionnaire v2, and v1 where the answer names are the same). The
 * assessment form pre-fills the suggested risks; the owner keeps, edits or drops them.
 */
import type { Answers } from '../triage/types';

/** A risk catalog id. */
export type RiskSource =
  | 'bias_discrimination'
  | 'privacy_data_misuse'
  | 'erroneous_output'
  | 'security_misuse'
  | 'lack_of_transparency'
  | 'over_reliance'
  | 'safety_harm'
  | 'ip_confidentiality'
  | 'vendor_dependency'
  | 'other';

/** One entry of the catalog. */
export interface RiskCatalogEntry {
  id: RiskSource;
  /** A short name for lists and pickers. */
  label: string;
  /** What can go wrong, in plain words; the default description of a suggested risk. */
  description: string;
  /** Annex A controls that typically treat it (ids of flows/annex-a.ts). */
  controls: string[];
  /** Whether the triage answers suggest it. */
  suggested: (a: Answers) => boolean;
}

/** The answer as a list, whatever its shape (v1 `one` or v2 `many`, bool, missing). */
function list(a: Answers, id: string): string[] {
  const v = a[id];
  if (Array.isArray(v)) return v.map(String);
  if (v === undefined || v === null || v === '') return [];
  return [String(v)];
}
const has = (a: Answers, id: string, ...values: string[]): boolean => list(a, id).some((v) => values.includes(v));
const yes = (a: Answers, id: string): boolean => a[id] === true || a[id] === 'yes';

const PEOPLE_ANNEX_III = [
  'recruitment', 'worker_management', 'education_access', 'education_assessment', 'public_benefits',
  'credit_scoring', 'insurance_pricing', 'emergency_triage', 'law_enforcement', 'migration_border', 'justice',
];
const VENDOR_ORIGINS = ['vendor_as_is', 'vendor_configured', 'vendor_customized', 'built_on_vendor_model'];
const SHARED_OUTSIDE = ['published', 'published_other', 'public_interest_text', 'deepfake'];
const affectsPeople = (a: Answers): boolean => list(a, 'affected_people').some((v) => v !== 'none');
const personalData = (a: Answers): boolean => has(a, 'data_categories', 'personal', 'special_category');

/** The catalog, in the order of aims.md. */
export const RISK_CATALOG: readonly RiskCatalogEntry[] = [
  {
    id: 'bias_discrimination',
    label: 'Bias and discrimination',
    description: 'The system treats people or groups unfairly, e.g. scores or ranks them worse because of sex, age, origin or disability.',
    controls: ['A.5.4', 'A.7.4', 'A.6.2.4'],
    suggested: (a) =>
      (has(a, 'ai_capabilities', 'predicts_or_scores', 'classifies_or_recommends', 'biometric_recognition', 'emotion_recognition') && affectsPeople(a)) ||
      has(a, 'annex_iii_uses', ...PEOPLE_ANNEX_III) ||
      yes(a, 'profiles_people') ||
      yes(a, 'decides_about_people'),
  },
  {
    id: 'privacy_data_misuse',
    label: 'Privacy and data misuse',
    description: 'Personal data goes where it should not: used beyond its purpose, kept too long, or used by the vendor to train its models.',
    controls: ['A.7.3', 'A.7.5', 'A.10.3'],
    suggested: (a) =>
      personalData(a) && (has(a, 'vendor_trains_on_inputs', 'yes', 'unknown') || has(a, 'data_categories', 'special_category') || yes(a, 'profiles_people')),
  },
  {
    id: 'erroneous_output',
    label: 'Erroneous output',
    description: 'The system gives wrong, made-up (hallucinated) or outdated answers that people rely on.',
    controls: ['A.6.2.4', 'A.6.2.6', 'A.9.4'],
    suggested: (a) => has(a, 'synthetic_media', ...SHARED_OUTSIDE) || has(a, 'ai_capabilities', 'predicts_or_scores') || has(a, 'decision_role', 'autonomous'),
  },
  {
    id: 'security_misuse',
    label: 'Security and misuse',
    description: 'Attackers or users turn the system against us: prompt injection, data leakage through answers, abuse of its actions.',
    controls: ['A.6.2.6', 'A.6.2.8', 'A.4.5'],
    suggested: (a) => has(a, 'ai_capabilities', 'automates_actions') || has(a, 'interacts_with_people', 'external_people') || has(a, 'data_categories', 'confidential'),
  },
  {
    id: 'lack_of_transparency',
    label: 'Lack of transparency',
    description: 'People do not know they deal with AI or cannot understand how an outcome about them came about.',
    controls: ['A.8.2', 'A.8.5', 'A.6.2.7'],
    suggested: (a) => has(a, 'interacts_with_people', 'external_people') || has(a, 'synthetic_media', 'deepfake', 'public_interest_text') || yes(a, 'decides_about_people'),
  },
  {
    id: 'over_reliance',
    label: 'Over-reliance',
    description: 'People trust the output without checking it (automation bias), or nobody watches what the system decides.',
    controls: ['A.9.2', 'A.9.3', 'A.6.2.6'],
    suggested: (a) => has(a, 'decision_role', 'autonomous') || has(a, 'ai_capabilities', 'automates_actions'),
  },
  {
    id: 'safety_harm',
    label: 'Safety and harm',
    description: 'A failure or wrong output harms someone’s health or safety, or disrupts essential services.',
    controls: ['A.6.2.4', 'A.6.2.6', 'A.8.4'],
    suggested: (a) => yes(a, 'safety_component') || has(a, 'annex_iii_uses', 'critical_infrastructure', 'emergency_triage') || has(a, 'affected_people', 'patients', 'children'),
  },
  {
    id: 'ip_confidentiality',
    label: 'IP and confidentiality',
    description: 'Confidential information leaks to the vendor or into outputs, or outputs infringe someone else’s copyright.',
    controls: ['A.10.3', 'A.7.5', 'A.9.4'],
    suggested: (a) =>
      has(a, 'synthetic_media', ...SHARED_OUTSIDE) ||
      (has(a, 'data_categories', 'confidential') && has(a, 'vendor_trains_on_inputs', 'yes', 'unknown')),
  },
  {
    id: 'vendor_dependency',
    label: 'Vendor dependency',
    description: 'We depend on a vendor that can change, degrade or withdraw the model, its terms or its prices.',
    controls: ['A.10.2', 'A.10.3', 'A.4.4'],
    suggested: (a) => has(a, 'model_origin', ...VENDOR_ORIGINS) && (yes(a, 'offered_externally') || has(a, 'model_origin', 'built_on_vendor_model')),
  },
  {
    id: 'other',
    label: 'Other',
    description: 'Another risk of this system; describe it.',
    controls: [],
    suggested: () => false,
  },
];

/** The catalog ids, in order. */
export const RISK_SOURCES: readonly RiskSource[] = RISK_CATALOG.map((e) => e.id);

/** The catalog entry of an id. */
export function catalogEntry(id: string): RiskCatalogEntry | undefined {
  return RISK_CATALOG.find((e) => e.id === id);
}

/** The catalog entries the answers suggest, in catalog order. */
export function suggestRisks(answers: Answers): RiskCatalogEntry[] {
  return RISK_CATALOG.filter((e) => e.suggested(answers));
}

/** What each likelihood level means (1–5). */
export const LIKELIHOOD_LEVELS: readonly string[] = [
  'Rare: hardly ever, only in unusual circumstances',
  'Unlikely: could happen, but not expected in a year',
  'Possible: may well happen about once a year',
  'Likely: expected several times a year',
  'Almost certain: happens monthly or more often',
];

/** What each impact level means (1–5). */
export const IMPACT_LEVELS: readonly string[] = [
  'Negligible: a nuisance, fixed at once, nobody harmed',
  'Minor: small, reversible harm to a few people or a small cost',
  'Moderate: real harm to some people or rights, a complaint or a notable cost',
  'Major: serious harm to people or rights, a regulator or the press takes note',
  'Severe: lasting harm to health, life or fundamental rights, or a threat to the organisation',
];
