/**
 * The version 1 classifier: rules O, P, H, L, M, roles, approvers, obligations, controls,
 * review interval and warnings of triage.md §3, applied to validated v1 answers. Kept unchanged
 * so that stored v1 assessments classify exactly as they did. Pure and deterministic.
 */
import type { Answers, ApproverRole, ClassificationV1, FieldError, RationaleItem, RiskClass, TriagePolicy, Warning } from './types';
import { WARNING_REFS } from './legal-refs';
import { classFacts } from './class-facts';
import { controlsFor, obligationsFor, vendorMayTrain } from './obligations';
import {
  highRiskReasons,
  limitedReasons,
  minimalReason,
  outOfScopeReason,
  prohibitedReasons,
  reviewReason,
  roleReasons,
} from './rationale';
import { anyOf, hasValue, oneOf } from './risk-rules';
import { validateAnswers } from './validate';

import { QUESTIONNAIRE_V1 } from './questionnaire-v1';

/** Default review interval per class in days (rule R); prohibited systems are not reviewed. */
export const DEFAULT_REVIEW_DAYS: Readonly<Record<RiskClass, number | null>> = {
  high: 90,
  limited: 180,
  minimal: 365,
  out_of_scope: 365,
  prohibited: null,
  excluded: 365,
};

/** Outcome of classifying unchecked v1 input. */
export type ClassifyResultV1 = { ok: true; result: ClassificationV1 } | { ok: false; errors: FieldError[] };

/** Rule R: the default interval, shortened (never lengthened) by the policy's cap. */
export function reviewDays(riskClass: RiskClass, policy: Partial<TriagePolicy>): number | null {
  const fallback = DEFAULT_REVIEW_DAYS[riskClass];
  if (fallback === null || riskClass === 'prohibited') return null;
  const cap = policy.reviewDays?.[riskClass];
  // A policy may shorten the interval, never lengthen it.
  return typeof cap === 'number' && Number.isInteger(cap) && cap > 0 ? Math.min(fallback, cap) : fallback;
}

function approvers(a: Answers, riskClass: RiskClass, policy: Partial<TriagePolicy>): ApproverRole[] {
  const extra = policy.extraApprovers ?? {};
  // Nothing can be approved for a prohibited system: compliance only confirms the block.
  if (riskClass === 'prohibited') return ['owner', 'compliance'];
  if (riskClass === 'out_of_scope') return unique(['owner', ...(extra.out_of_scope ?? [])]);
  const personal = hasValue(a, 'data_categories', 'personal') || hasValue(a, 'data_categories', 'special_category');
  const roles: ApproverRole[] = ['owner'];
  if (riskClass === 'high' || riskClass === 'limited') roles.push('compliance');
  if (personal) roles.push('privacy');
  if (hasValue(a, 'data_categories', 'confidential') || (vendorMayTrain(a) && personal)) roles.push('security');
  return unique([...roles, ...(extra[riskClass] ?? []), ...(extra.all ?? [])]);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function warnings(a: Answers): Warning[] {
  const list: Warning[] = [];
  const staffOrStudents = hasValue(a, 'affected_people', 'employees') || hasValue(a, 'affected_people', 'students');
  if (hasValue(a, 'ai_capabilities', 'emotion_recognition') && staffOrStudents && !anyOf(a, 'prohibited_practices')) {
    list.push({
      id: 'emotion_recognition_at_work',
      ref: WARNING_REFS.emotionAtWork,
      message:
        'The tool reads emotions of employees or students: the ban on emotion recognition at work and in education may apply unless it serves medical or safety reasons; check before use.',
    });
  }
  if (oneOf(a, 'decision_role') === 'autonomous' && anyOf(a, 'affected_people')) {
    list.push({
      id: 'solely_automated_decisions',
      ref: WARNING_REFS.automatedDecision,
      message:
        'The tool decides about people without a person involved: check whether GDPR Art. 22 on solely automated decisions applies and offer human review.',
    });
  }
  if (oneOf(a, 'vendor_trains_on_inputs') === 'unknown') {
    list.push({
      id: 'vendor_training_unknown',
      ref: WARNING_REFS.vendorTraining,
      message: 'It is not known whether the vendor trains on our inputs: find out from the contract or the product settings.',
    });
  }
  return list;
}

function rationale(a: Answers, facts: ReturnType<typeof classFacts>, days: number | null): RationaleItem[] {
  const { riskClass } = facts;
  const review = reviewReason(riskClass, days, DEFAULT_REVIEW_DAYS[riskClass]);
  if (riskClass === 'out_of_scope') return [outOfScopeReason(), review];
  const items: RationaleItem[] = [];
  if (riskClass === 'prohibited') items.push(...prohibitedReasons(a));
  else items.push(...highRiskReasons(a, facts.exempt));
  if (riskClass === 'limited') items.push(...limitedReasons(a));
  if (riskClass === 'minimal') items.push(minimalReason());
  items.push(...roleReasons(a, riskClass === 'high', facts.providerByPurpose), review);
  return items;
}

/**
 * Classifies validated triage answers. `policy` may shorten review intervals, add approver
 * roles and set the public-service default; it never removes or lengthens anything.
 */
export function classifyV1(answers: Answers, policy: Partial<TriagePolicy> = {}): ClassificationV1 {
  const facts = classFacts(answers, policy.publicServiceProvider ?? false);
  const { riskClass } = facts;
  const inScope = riskClass !== 'out_of_scope';
  const days = reviewDays(riskClass, policy);
  return {
    questionnaireVersion: 1,
    inScope,
    riskClass,
    aiActRoles: inScope ? [...(facts.provider ? (['provider'] as const) : []), 'deployer'] : [],
    isoRoles: inScope ? facts.isoRoles : [],
    approvers: approvers(answers, riskClass, policy),
    reviewIntervalDays: days,
    obligations: obligationsFor(answers, facts),
    controls: controlsFor(answers, facts),
    rationale: rationale(answers, facts, days),
    warnings: inScope ? warnings(answers) : [],
  };
}

/** Validates unchecked v1 answers, then classifies them with the v1 rules. */
export function classifyInputV1(input: unknown, policy: Partial<TriagePolicy> = {}): ClassifyResultV1 {
  const checked = validateAnswers(input, QUESTIONNAIRE_V1);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  return { ok: true, result: classifyV1(checked.answers, policy) };
}
