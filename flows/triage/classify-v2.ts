/**
 * The version 2 classifier (triage.md §6–§12): rules O, X, P, H, L, M, roles, approvers,
 * obligations with duty and date, controls, review interval and warnings. Pure and
 * deterministic: no clock; dates come from the data file and the policy's `legalDates`.
 */
import type { Answers, ApproverRole, ClassificationV2, RationaleItem, RiskClass, TriagePolicy } from './types';
import type { FactsV2 } from './obligations-v2';
import { controlsForV2, obligationsForV2 } from './obligations-v2';
import { DEFAULT_REVIEW_DAYS, reviewDays } from './classify-v1';
import { minimalReason, reviewReason } from './rationale';
import {
  exclusionReason,
  highRiskReasonsV2,
  limitedReasonsV2,
  prohibitedReasonsV2,
  roleReasonsV2,
  scopeReasons,
} from './rationale-v2';
import { warningsV2 } from './warnings-v2';
import { hasValue, oneOf } from './risk-rules';
import {
  annexIRoute,
  annexIIIRoute,
  emotionBanApplies,
  exclusionGround,
  exemptionAppliesV2,
  inScopeV2,
  isExcludedV2,
  isHighRiskV2,
  isLimitedV2,
  isProhibitedV2,
  providerByArt3,
  providerByModification,
  providerByPurposeV2,
  vendorMayTrainV2,
} from './risk-rules-v2';

/** Rules O, P, X, H, L, M in order. */
export function riskClassV2(a: Answers): RiskClass {
  if (!inScopeV2(a)) return 'out_of_scope';
  if (isProhibitedV2(a)) return 'prohibited';
  if (isExcludedV2(a)) return 'excluded';
  if (isHighRiskV2(a)) return 'high';
  return isLimitedV2(a) ? 'limited' : 'minimal';
}

/** Everything the classifier's parts need beyond the answers. */
function factsV2(a: Answers, policy: Partial<TriagePolicy>): FactsV2 & { byPurpose: boolean; byModification: boolean } {
  const riskClass = riskClassV2(a);
  const exclusion = riskClass === 'excluded' ? exclusionGround(a) : null;
  // Art. 2(10) lifts the deployer's duties even when a prohibited practice keeps the class.
  const noRoles = riskClass === 'excluded' || riskClass === 'out_of_scope' || exclusionGround(a) === 'personal_non_professional';
  const byPurpose = providerByPurposeV2(a);
  const byModification = providerByModification(a);
  const answered = oneOf(a, 'public_sector');
  return {
    riskClass,
    provider: !noRoles && (providerByArt3(a) || byPurpose || byModification),
    exempt: exemptionAppliesV2(a),
    routes: riskClass === 'high' ? [...(annexIRoute(a) ? ['annex_i' as const] : []), ...(annexIIIRoute(a) ? ['annex_iii' as const] : [])] : [],
    publicSector: answered ?? policy.publicSector ?? 'no',
    exclusion,
    emotionBan: emotionBanApplies(a),
    byPurpose,
    byModification,
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function approversV2(a: Answers, riskClass: RiskClass, policy: Partial<TriagePolicy>): ApproverRole[] {
  const extra = policy.extraApprovers ?? {};
  if (riskClass === 'prohibited') return ['owner', 'compliance'];
  if (riskClass === 'out_of_scope') return unique(['owner', ...(extra.out_of_scope ?? [])]);
  const personal = hasValue(a, 'data_categories', 'personal') || hasValue(a, 'data_categories', 'special_category');
  const roles: ApproverRole[] = ['owner'];
  // An exclusion is a legal determination, so compliance confirms it (§12.3).
  if (riskClass === 'high' || riskClass === 'limited' || riskClass === 'excluded') roles.push('compliance');
  if (personal) roles.push('privacy');
  if (hasValue(a, 'data_categories', 'confidential') || (vendorMayTrainV2(a) && personal)) roles.push('security');
  return unique([...roles, ...(extra[riskClass] ?? []), ...(extra.all ?? [])]);
}

function isoRolesV2(a: Answers, provider: boolean): ClassificationV2['isoRoles'] {
  const origin = oneOf(a, 'model_origin');
  const roles: ClassificationV2['isoRoles'] = [];
  if (origin === 'trained_in_house') roles.push('developer');
  if (origin === 'built_on_vendor_model' || origin === 'trained_in_house' || a['offered_externally'] === true || provider) {
    roles.push('producer');
  }
  roles.push('user');
  return roles;
}

function rationaleV2(a: Answers, f: ReturnType<typeof factsV2>, days: number | null): RationaleItem[] {
  const { riskClass } = f;
  const review = reviewReason(riskClass, days, DEFAULT_REVIEW_DAYS[riskClass]);
  if (riskClass === 'out_of_scope') return [...scopeReasons(a, false), review];
  const items: RationaleItem[] = [...scopeReasons(a, true)];
  if (riskClass === 'excluded') return [...items, exclusionReason(f.exclusion ?? ''), review];
  if (riskClass === 'prohibited') items.push(...prohibitedReasonsV2(a));
  else items.push(...highRiskReasonsV2(a, f.routes, f.exempt));
  if (riskClass === 'limited') items.push(...limitedReasonsV2(a));
  if (riskClass === 'minimal') items.push(minimalReason());
  if (exclusionGround(a) !== 'personal_non_professional') items.push(...roleReasonsV2(a, f.byPurpose, f.byModification));
  else items.push(exclusionReason('personal_non_professional'));
  return [...items, review];
}

/**
 * Classifies validated v2 answers. `policy` may shorten review intervals, add approver roles,
 * set the `public_sector` default and override obligation dates; it never removes anything.
 */
export function classifyV2(answers: Answers, policy: Partial<TriagePolicy> = {}): ClassificationV2 {
  const f = factsV2(answers, policy);
  const { riskClass } = f;
  const inScope = riskClass !== 'out_of_scope';
  const aiActApplies = inScope && riskClass !== 'excluded';
  const noRoles = !aiActApplies || exclusionGround(answers) === 'personal_non_professional';
  const days = reviewDays(riskClass, policy);
  const obligations = obligationsForV2(answers, f, policy.legalDates);
  return {
    questionnaireVersion: 2,
    inScope,
    aiActApplies,
    riskClass,
    exclusion: f.exclusion,
    highRiskRoutes: f.routes,
    aiActRoles: noRoles ? [] : [...(f.provider ? (['provider'] as const) : []), 'deployer'],
    isoRoles: inScope ? isoRolesV2(answers, f.provider) : [],
    approvers: approversV2(answers, riskClass, policy),
    reviewIntervalDays: days,
    obligations,
    controls: controlsForV2(answers, f),
    rationale: rationaleV2(answers, f, days),
    warnings: warningsV2(answers, obligations),
  };
}
