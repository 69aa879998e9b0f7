/**
 * The classifier's public entry: version 2 (triage.md §6–§12) by default, version 1 (§1–§5)
 * for stored v1 assessments and for `{"questionnaireVersion": 1, "answers": …}`. Pure and
 * deterministic: the same answers and policy always give the same output.
 */
import type { Answers, Classification, ClassificationV2, FieldError, QuestionnaireVersion, TriagePolicy } from './types';
import { classifyV1 } from './classify-v1';
import { classifyV2 } from './classify-v2';
import { QUESTIONNAIRE_V1 } from './questionnaire-v1';
import { validateAnswers } from './validate';

export { classifyV1, classifyInputV1, DEFAULT_REVIEW_DAYS } from './classify-v1';
export { classifyV2, riskClassV2 } from './classify-v2';
export { isHighRiskV2 as isHighRisk } from './risk-rules-v2';

/** Outcome of classifying unchecked v2 input. */
export type ClassifyResult = { ok: true; result: ClassificationV2 } | { ok: false; errors: FieldError[] };
/** Outcome of classifying unchecked input of either version. */
export type ClassifyAnyResult = { ok: true; result: Classification } | { ok: false; errors: FieldError[] };

/** Classifies validated answers of the current questionnaire (version 2). */
export function classify(answers: Answers, policy: Partial<TriagePolicy> = {}): ClassificationV2 {
  return classifyV2(answers, policy);
}

/** Validates unchecked v2 answers, then classifies them. */
export function classifyInput(input: unknown, policy: Partial<TriagePolicy> = {}): ClassifyResult {
  const checked = validateAnswers(input);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  return { ok: true, result: classifyV2(checked.answers, policy) };
}

/** Validates and classifies answers of the given questionnaire version. */
export function classifyVersion(
  version: QuestionnaireVersion,
  input: unknown,
  policy: Partial<TriagePolicy> = {},
): ClassifyAnyResult {
  if (version === 2) return classifyInput(input, policy);
  const checked = validateAnswers(input, QUESTIONNAIRE_V1);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  return { ok: true, result: classifyV1(checked.answers, policy) };
}
