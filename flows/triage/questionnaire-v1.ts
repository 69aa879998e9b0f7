/**
 * Questionnaire version 1 (triage.md §1–§5), kept so that stored v1 assessments can still be
 * read and re-classified exactly as they were. New registrations use version 2.
 */
import type { Answers } from './types';
import type { Question } from './question-types';
import type { QuestionnaireDef } from './question-types';
import { TRIAGE_QUESTIONS_V1 } from './triage-questions-v1';
import { anyOf, isHighRisk, oneOf, vendorModel } from './risk-rules';

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

const byId = new Map<string, Question>(TRIAGE_QUESTIONS_V1.map((q) => [q.id, q]));

/** The v1 triage questions and their conditions. */
export const QUESTIONNAIRE_V1: QuestionnaireDef = {
  version: 1,
  questions: TRIAGE_QUESTIONS_V1,
  isAsked(questionId: string, answers: Answers): boolean {
    if (!byId.has(questionId)) return false;
    const condition = conditions[questionId];
    return condition ? condition(answers) : true;
  },
  crossChecks: () => [],
};

/** A v1 triage question by id (for labels in v1 rationale). */
export function getQuestionV1(id: string): Question | undefined {
  return byId.get(id);
}
