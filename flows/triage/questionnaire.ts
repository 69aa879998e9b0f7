/**
 * The triage questionnaire as data (triage.md §1–§2) and the conditions that decide which
 * questions are asked. Adapters render forms from this; they never hard-code questions.
 */
import type { Answers } from './types';
import { QUESTIONNAIRE_VERSION } from './types';
import type { Question } from './question-types';
import { REGISTRATION_FIELDS } from './registration-fields';
import { TRIAGE_QUESTIONS } from './triage-questions';
import { anyOf, isHighRisk, oneOf, vendorModel } from './risk-rules';

export type { Question, QuestionKind, QuestionValue } from './question-types';
export { parseAnswerText } from './parse-answer';
export type { ParsedAnswer } from './parse-answer';

/** The questionnaire: its version, registration fields (page 1) and triage questions (pages 2–5). */
export const questionnaire: {
  version: typeof QUESTIONNAIRE_VERSION;
  fields: readonly Question[];
  questions: readonly Question[];
} = {
  version: QUESTIONNAIRE_VERSION,
  fields: REGISTRATION_FIELDS,
  questions: TRIAGE_QUESTIONS,
};

const byId = new Map<string, Question>([...REGISTRATION_FIELDS, ...TRIAGE_QUESTIONS].map((q) => [q.id, q]));

/** A registration field or triage question by id, or undefined. */
export function getQuestion(id: string): Question | undefined {
  return byId.get(id);
}

/** Conditions of triage.md §2, keyed by question id; a question without one is always asked. */
const conditions: Record<string, (a: Answers) => boolean> = {
  decision_role: hasAi,
  model_origin: hasAi,
  offered_externally: hasAi,
  affected_people: hasAi,
  vendor_trains_on_inputs: vendorModel,
  interacts_with_people: hasAi,
  synthetic_media: hasAi,
  prohibited_practices: hasAi,
  annex_iii_uses: hasAi,
  safety_component: hasAi,
  art6_3_conditions: (a) => anyOf(a, 'annex_iii_uses'),
  profiles_people: (a) => anyOf(a, 'annex_iii_uses'),
  // Asking whether the vendor meant this use only matters when we did not build the model.
  vendor_intended_purpose: (a) => isHighRisk(a) && oneOf(a, 'model_origin') !== 'trained_in_house',
  public_service_provider: isHighRisk,
};

function hasAi(answers: Answers): boolean {
  return anyOf(answers, 'ai_capabilities');
}

/**
 * Whether a triage question is asked, given the answers so far. A condition that reads an
 * answer not given yet does not hold, so paged forms ask a question only once the page that
 * decides it has been answered. Unknown ids are never asked.
 */
export function isAsked(questionId: string, answers: Answers): boolean {
  const question = byId.get(questionId);
  if (!question || question.section !== 'triage') return false;
  const condition = conditions[questionId];
  return condition ? condition(answers) : true;
}

/** The triage questions asked given the answers so far, in table order; optionally one page. */
export function askedQuestions(answers: Answers, page?: number): Question[] {
  return TRIAGE_QUESTIONS.filter((q) => (page === undefined || q.page === page) && isAsked(q.id, answers));
}

/** The pages of the triage form, in order (page 1 is registration). */
export function triagePages(): number[] {
  return [...new Set(TRIAGE_QUESTIONS.map((q) => q.page))].sort((a, b) => a - b);
}
