/** Version 2 obligations (with duty and date) and Annex A controls (triage.md §9, §10, §12). */
import type { Answers, Duty, ObligationV2, RiskClass } from './types';
import type { LegalDateId } from './legal-dates';
import { applicableFrom } from './legal-dates';
import { anyOf, boolOf, hasValue, oneOf, setOf } from './risk-rules';
import { compareControls } from './obligations';
import {
  annexIIIBeyondArea2,
  annexIIIRoute,
  deepfake,
  exposesPersonsV2,
  interactionDisclosure,
  marksSyntheticContent,
  providerByArt3,
  publicTextWithoutEditor,
  vendorModelV2,
} from './risk-rules-v2';

/** What the v2 obligation and control rules need besides the answers. */
export interface FactsV2 {
  riskClass: RiskClass;
  /** We are provider (any basis) and the AI Act applies. */
  provider: boolean;
  /** The Art. 6(3) exemption decided the outcome. */
  exempt: boolean;
  /** Routes of a high-risk system. */
  routes: Array<'annex_i' | 'annex_iii'>;
  /** `public_sector` as answered, else the policy default. */
  publicSector: string;
  /** The Art. 2 ground of an excluded system, else null. */
  exclusion: string | null;
  /** Art. 5(1)(f) was derived from the emotion questions. */
  emotionBan: boolean;
}

/** References of the v2 obligations, in table order (triage.md §9, §12.10). */
export const OBLIGATION_REFS_V2 = {
  ai_literacy: 'Art. 4',
  stop_use: 'Art. 5',
  provider_high_risk: 'Art. 16; Arts. 9–15, 17–20, 43, 47–49',
  post_market_monitoring: 'Art. 72',
  serious_incident_reporting: 'Art. 73',
  deployer_high_risk: 'Art. 26',
  inform_workers: 'Art. 26(7)',
  inform_affected_persons: 'Art. 26(11)',
  explanation_on_request: 'Art. 86',
  register_use: 'Art. 26(8); Art. 49(3)',
  fria: 'Art. 27',
  art6_3_record: 'Art. 6(4); Art. 49(2)',
  ask_provider_art6_3: 'ISO/IEC 42001 A.5.3; A.10.3 (Art. 6(4) binds the provider)',
  disclose_ai_interaction: 'Art. 50(1)',
  mark_synthetic_content: 'Art. 50(2)',
  disclose_deepfake: 'Art. 50(4)',
  disclose_ai_text: 'Art. 50(4)',
  inform_exposed_persons: 'Art. 50(3)',
  dpia: 'GDPR Art. 35',
  vendor_data_terms: 'ISO 42001 A.10.3',
} as const;

/** A v2 obligation id. */
export type ObligationIdV2 = keyof typeof OBLIGATION_REFS_V2;

/** High-risk obligations whose date depends on the route (Annex I only is later). */
const ROUTE_DATED = new Set<ObligationIdV2>([
  'provider_high_risk',
  'post_market_monitoring',
  'serious_incident_reporting',
  'deployer_high_risk',
  'inform_workers',
]);

const high = (f: FactsV2) => f.riskClass === 'high';

function personalData(a: Answers): boolean {
  return hasValue(a, 'data_categories', 'personal') || hasValue(a, 'data_categories', 'special_category');
}

/** `vendor_trains_on_inputs` is `yes` or `unknown`. */
function vendorMayTrain(a: Answers): boolean {
  const trains = oneOf(a, 'vendor_trains_on_inputs');
  return trains === 'yes' || trains === 'unknown';
}

/** Decisions about someone affected, through the Annex III route (§12.16). */
function decidesAboutAffected(a: Answers): boolean {
  return annexIIIRoute(a) && anyOf(a, 'affected_people') && boolOf(a, 'decides_about_people');
}

function needsFria(a: Answers, f: FactsV2): boolean {
  const uses = setOf(a, 'annex_iii_uses');
  return (
    high(f) &&
    annexIIIBeyondArea2(a) &&
    (f.publicSector !== 'no' || uses.includes('credit_scoring') || uses.includes('insurance_pricing'))
  );
}

function needsDpia(a: Answers, f: FactsV2): boolean {
  if (f.exclusion === 'personal_non_professional') return false;
  return (
    hasValue(a, 'data_categories', 'special_category') ||
    (hasValue(a, 'data_categories', 'personal') && (high(f) || boolOf(a, 'profiles_people')))
  );
}

function needsVendorTerms(a: Answers): boolean {
  return (
    vendorModelV2(a) && vendorMayTrain(a) && (hasValue(a, 'data_categories', 'confidential') || personalData(a))
  );
}

type Rule = [ObligationIdV2, (a: Answers, f: FactsV2) => boolean, Duty | ((a: Answers) => Duty)];

/** The condition and duty of each AI Act obligation, in table order. */
const AI_ACT_RULES: Rule[] = [
  ['ai_literacy', () => true, 'organisation'],
  ['provider_high_risk', (_a, f) => high(f) && f.provider, 'provider'],
  ['post_market_monitoring', (_a, f) => high(f) && f.provider, 'provider'],
  ['serious_incident_reporting', (_a, f) => high(f) && f.provider, 'provider'],
  ['deployer_high_risk', (_a, f) => high(f), 'deployer'],
  ['inform_workers', (a, f) => high(f) && hasValue(a, 'affected_people', 'employees'), 'deployer'],
  ['inform_affected_persons', (a, f) => high(f) && decidesAboutAffected(a), 'deployer'],
  ['explanation_on_request', (a, f) => high(f) && annexIIIBeyondArea2(a) && decidesAboutAffected(a), 'deployer'],
  [
    'register_use',
    (a, f) =>
      high(f) &&
      annexIIIBeyondArea2(a) &&
      (f.publicSector === 'public_authority' || f.publicSector === 'acting_for_public_authority'),
    'deployer',
  ],
  ['fria', needsFria, 'deployer'],
  ['art6_3_record', (_a, f) => f.exempt && f.provider, 'provider'],
  ['ask_provider_art6_3', (_a, f) => f.exempt && !f.provider, 'organisation'],
  ['disclose_ai_interaction', (a) => interactionDisclosure(a), (a) => (providerByArt3(a) ? 'provider' : 'deployer')],
  ['mark_synthetic_content', (a) => marksSyntheticContent(a), 'provider'],
  ['disclose_deepfake', (a) => deepfake(a), 'deployer'],
  ['disclose_ai_text', (a) => publicTextWithoutEditor(a), 'deployer'],
  ['inform_exposed_persons', (a) => exposesPersonsV2(a), 'deployer'],
];

/** Obligations that are not the AI Act's and so also bind excluded systems. */
const OTHER_RULES: Rule[] = [
  ['dpia', needsDpia, 'organisation'],
  ['vendor_data_terms', (a) => needsVendorTerms(a), 'organisation'],
];

function dateId(id: ObligationIdV2, a: Answers, f: FactsV2): LegalDateId {
  if (ROUTE_DATED.has(id) && !f.routes.includes('annex_iii')) return `${id}.annex_i_only` as LegalDateId;
  if (id === 'stop_use') {
    const chosen = setOf(a, 'prohibited_practices').filter((p) => p !== 'none');
    // Derived Art. 5(1)(f) applies from 2025 even when only NCII was ticked.
    const onlyNcii = chosen.length === 1 && chosen[0] === 'non_consensual_intimate_imagery' && !f.emotionBan;
    return onlyNcii ? 'stop_use.ncii_only' : 'stop_use';
  }
  return id;
}

function row(id: ObligationIdV2, duty: Duty, a: Answers, f: FactsV2, dates: Readonly<Record<string, string>>): ObligationV2 {
  return { id, ref: OBLIGATION_REFS_V2[id], duty, applicableFrom: applicableFrom(dateId(id, a, f), dates) };
}

function apply(rules: Rule[], a: Answers, f: FactsV2, dates: Readonly<Record<string, string>>): ObligationV2[] {
  return rules
    .filter(([, applies]) => applies(a, f))
    .map(([id, , duty]) => row(id, typeof duty === 'function' ? duty(a) : duty, a, f, dates));
}

/**
 * Obligations in table order: none out of scope; only `stop_use` when prohibited; no AI Act
 * obligation when excluded. Dates come from the data file, overridden by `dates`.
 */
export function obligationsForV2(a: Answers, f: FactsV2, dates: Readonly<Record<string, string>> = {}): ObligationV2[] {
  if (f.riskClass === 'out_of_scope') return [];
  if (f.riskClass === 'prohibited') return [row('stop_use', 'organisation', a, f, dates)];
  if (f.riskClass === 'excluded') return apply(OTHER_RULES, a, f, dates);
  return [...apply(AI_ACT_RULES, a, f, dates), ...apply(OTHER_RULES, a, f, dates)];
}

const IN_SCOPE = ['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.5.2', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4'];
const VENDOR = ['A.10.2', 'A.10.3'];
const OWN_SYSTEM = ['A.4.3', 'A.4.4', 'A.6.2.4', 'A.6.2.5'];
const IN_HOUSE = ['A.4.5', 'A.4.6', 'A.6.1.2', 'A.6.1.3', 'A.6.2.2', 'A.6.2.3', 'A.6.2.7', 'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6'];
const PERSONAL = ['A.7.4', 'A.7.5'];
const HIGH = ['A.5.3', 'A.5.4', 'A.5.5', 'A.6.2.8', 'A.8.2', 'A.8.4'];
const HIGH_DEPLOYER = ['A.4.6'];
const HIGH_PROVIDER = ['A.6.1.2', 'A.6.1.3', 'A.6.2.2', 'A.6.2.3', 'A.6.2.4', 'A.6.2.5', 'A.6.2.7', 'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6', 'A.8.3', 'A.8.5'];
const LIMITED = ['A.8.2'];
const EXEMPT = ['A.5.3'];
const EXTERNAL = ['A.8.2', 'A.8.3', 'A.8.5', 'A.10.4'];
const PROHIBITED = ['A.5.2', 'A.5.4', 'A.5.5'];

/** Annex A controls (v1 rules plus §10, §12.17, §12.23), sorted by numeric position. */
export function controlsForV2(a: Answers, f: FactsV2): string[] {
  if (f.riskClass === 'out_of_scope') return [];
  if (f.riskClass === 'prohibited') return [...PROHIBITED];
  const origin = oneOf(a, 'model_origin');
  const picked = [
    ...IN_SCOPE,
    ...(vendorModelV2(a) ? VENDOR : []),
    ...(origin === 'built_on_vendor_model' || origin === 'trained_in_house' ? OWN_SYSTEM : []),
    ...(origin === 'trained_in_house' ? IN_HOUSE : []),
    ...(personalData(a) ? PERSONAL : []),
  ];
  if (f.riskClass !== 'excluded') {
    picked.push(
      ...(high(f) ? [...HIGH, ...HIGH_DEPLOYER] : []),
      ...(high(f) && f.provider ? HIGH_PROVIDER : []),
      ...(f.riskClass === 'limited' ? LIMITED : []),
      ...(f.exempt ? EXEMPT : []),
      ...(boolOf(a, 'offered_externally') || oneOf(a, 'interacts_with_people') === 'external_people' ? EXTERNAL : []),
    );
  }
  return [...new Set(picked)].sort(compareControls);
}
