/** Obligations and Annex A controls that follow from a classification (triage.md §3). */
import type { Answers, Obligation, RiskClass } from './types';
import type { ObligationId } from './legal-refs';
import { OBLIGATION_REFS } from './legal-refs';
import { anyOf, boolOf, exposesPersons, hasValue, highViaAnnexIII, oneOf, setOf, vendorModel } from './risk-rules';

/** What the obligation and control rules need besides the answers. */
export interface ClassFacts {
  riskClass: RiskClass;
  provider: boolean;
  /** The Art. 6(3) exemption decided the outcome. */
  exempt: boolean;
  /** `public_service_provider` as answered, else the policy default. */
  publicServiceProvider: boolean;
}

function personalData(a: Answers): boolean {
  return hasValue(a, 'data_categories', 'personal') || hasValue(a, 'data_categories', 'special_category');
}

/** `vendor_trains_on_inputs` is `yes` or `unknown`. */
export function vendorMayTrain(a: Answers): boolean {
  const trains = oneOf(a, 'vendor_trains_on_inputs');
  return trains === 'yes' || trains === 'unknown';
}

/** Fundamental rights impact assessment (Art. 27): not for critical infrastructure alone. */
function needsFria(a: Answers, f: ClassFacts): boolean {
  const uses = setOf(a, 'annex_iii_uses').filter((u) => u !== 'none' && u !== 'critical_infrastructure');
  if (f.riskClass !== 'high' || !highViaAnnexIII(a) || uses.length === 0) return false;
  return f.publicServiceProvider || uses.includes('credit_scoring') || uses.includes('insurance_pricing');
}

/** The condition of each obligation, in table order. */
const RULES: Array<[ObligationId, (a: Answers, f: ClassFacts) => boolean]> = [
  ['ai_literacy', () => true],
  ['stop_use', () => false],
  ['provider_high_risk', (_a, f) => f.riskClass === 'high' && f.provider],
  ['deployer_high_risk', (_a, f) => f.riskClass === 'high'],
  ['inform_workers', (a, f) => f.riskClass === 'high' && hasValue(a, 'affected_people', 'employees')],
  ['inform_affected_persons', (a, f) => f.riskClass === 'high' && anyOf(a, 'affected_people')],
  ['fria', needsFria],
  ['art6_3_record', (_a, f) => f.exempt],
  ['disclose_ai_interaction', (a) => oneOf(a, 'interacts_with_people') === 'external_people'],
  ['mark_synthetic_content', (a) => oneOf(a, 'synthetic_media') === 'published'],
  ['inform_exposed_persons', (a) => exposesPersons(a)],
  [
    'dpia',
    (a, f) =>
      hasValue(a, 'data_categories', 'special_category') ||
      (hasValue(a, 'data_categories', 'personal') && (f.riskClass === 'high' || boolOf(a, 'profiles_people'))),
  ],
  [
    'vendor_data_terms',
    (a) => vendorMayTrain(a) && (hasValue(a, 'data_categories', 'confidential') || personalData(a)),
  ],
];

/** Obligations in table order: none out of scope; only `stop_use` when prohibited. */
export function obligationsFor(a: Answers, f: ClassFacts): Obligation[] {
  if (f.riskClass === 'out_of_scope') return [];
  if (f.riskClass === 'prohibited') return [{ id: 'stop_use', ref: OBLIGATION_REFS.stop_use }];
  return RULES.filter(([, applies]) => applies(a, f)).map(([id]) => ({ id, ref: OBLIGATION_REFS[id] }));
}

const IN_SCOPE = ['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.5.2', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4'];
const VENDOR = ['A.10.2', 'A.10.3'];
const CUSTOMIZED_OR_OWN = ['A.4.3', 'A.4.4', 'A.6.2.4', 'A.6.2.5'];
const IN_HOUSE = ['A.4.5', 'A.4.6', 'A.6.1.2', 'A.6.1.3', 'A.6.2.2', 'A.6.2.3', 'A.6.2.7', 'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6'];
const PERSONAL = ['A.7.4', 'A.7.5'];
const HIGH = ['A.5.3', 'A.5.4', 'A.5.5', 'A.6.2.8', 'A.8.2', 'A.8.4'];
const LIMITED = ['A.8.2'];
const EXEMPT = ['A.5.3'];
const EXTERNAL = ['A.8.2', 'A.8.3', 'A.8.5', 'A.10.4'];
const PROHIBITED = ['A.5.2', 'A.5.4', 'A.5.5'];

/** Compares control ids by numeric position, so A.4.10 sorts after A.4.9. */
export function compareControls(x: string, y: string): number {
  const px = x.slice(2).split('.').map(Number);
  const py = y.slice(2).split('.').map(Number);
  for (let i = 0; i < Math.max(px.length, py.length); i++) {
    const d = (px[i] ?? -1) - (py[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Annex A controls, sorted by numeric position, without duplicates. */
export function controlsFor(a: Answers, f: ClassFacts): string[] {
  if (f.riskClass === 'out_of_scope') return [];
  if (f.riskClass === 'prohibited') return [...PROHIBITED];
  const origin = oneOf(a, 'model_origin');
  const picked = [
    ...IN_SCOPE,
    ...(vendorModel(a) ? VENDOR : []),
    ...(origin === 'vendor_customized' || origin === 'trained_in_house' ? CUSTOMIZED_OR_OWN : []),
    ...(origin === 'trained_in_house' ? IN_HOUSE : []),
    ...(personalData(a) ? PERSONAL : []),
    ...(f.riskClass === 'high' ? HIGH : []),
    ...(f.riskClass === 'limited' ? LIMITED : []),
    ...(f.exempt ? EXEMPT : []),
    ...(boolOf(a, 'offered_externally') || oneOf(a, 'interacts_with_people') === 'external_people' ? EXTERNAL : []),
  ];
  return [...new Set(picked)].sort(compareControls);
}
