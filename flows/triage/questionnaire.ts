/**
 * The triage questionnaire as data and the conditions that decide which questions are asked.
 * Version 2 (triage.md §6–§12) is the default for every form; version 1 stays readable for
 * stored assessments. Adapters render forms from this; they never hard-code questions.
 */
import type { Answers, FieldError } from './types';
import { QUESTIONNAIRE_VERSION } from './types';
import type { Question, QuestionnaireDef } from './question-types';
import { REGISTRATION_FIELDS } from './registration-fields';
import { TRIAGE_QUESTIONS_V2 } from './triage-questions-v2';
import { QUESTIONNAIRE_V1 } from './questionnaire-v1';
import { oneOf } from './risk-rules';
import {
  emotionRecognition,
  hasAnnexIIIUse,
  annexIIIRoute,
  inScopeV2,
  isHighRiskV2,
  vendorModelV2,
  vendorProduct,
} from './risk-rules-v2';
import { hasValue } from './risk-rules';

export type { Question, QuestionKind, QuestionValue, QuestionnaireDef } from './question-types';
export { parseAnswerText } from './parse-answer';
export type { ParsedAnswer } from './parse-answer';

/** Conditions of triage.md §6 and §12, keyed by question id; a question without one is always asked. */
const conditionsV2: Record<string, (a: Answers) => boolean> = {
  ai_act_exclusion: inScopeV2,
  decision_role: inScopeV2,
  model_origin: inScopeV2,
  offered_externally: inScopeV2,
  affected_people: inScopeV2,
  vendor_trains_on_inputs: (a) => inScopeV2(a) && vendorModelV2(a),
  interacts_with_people: inScopeV2,
  synthetic_media: inScopeV2,
  editorial_control: (a) => inScopeV2(a) && hasValue(a, 'synthetic_media', 'public_interest_text'),
  prohibited_practices: inScopeV2,
  annex_iii_uses: inScopeV2,
  emotion_purpose: (a) => inScopeV2(a) && emotionRecognition(a),
  emotion_subjects: (a) => inScopeV2(a) && emotionRecognition(a),
  safety_component: inScopeV2,
  art6_3_conditions: (a) => inScopeV2(a) && hasAnnexIIIUse(a),
  profiles_people: (a) => inScopeV2(a) && hasAnnexIIIUse(a),
  vendor_intended_purpose: (a) => isHighRiskV2(a) && vendorProduct(a),
  substantially_modified: (a) => isHighRiskV2(a) && vendorProduct(a),
  public_sector: isHighRiskV2,
  decides_about_people: annexIIIRoute,
};

const byIdV2 = new Map<string, Question>(TRIAGE_QUESTIONS_V2.map((q) => [q.id, q]));

/** §12.4: exclusions that cannot apply to what the answers describe. */
function exclusionChecks(a: Answers): FieldError[] {
  const ground = oneOf(a, 'ai_act_exclusion');
  const offered = a['offered_externally'] === true;
  if (ground === 'personal_non_professional' && (offered || !vendorProduct(a))) {
    return [{
      field: 'ai_act_exclusion',
      message: offered
        ? 'personal_non_professional cannot apply to a system we offer to others (offered_externally = true); choose another answer'
        : 'personal_non_professional applies only to a vendor product used as supplied or configured (model_origin vendor_as_is or vendor_configured); choose another answer',
    }];
  }
  if (ground === 'research_only' && offered) {
    return [{
      field: 'ai_act_exclusion',
      message: 'research_only cannot apply to a system offered to others (offered_externally = true): Art. 2(6) and 2(8) cover nothing made available for others’ use; choose another answer',
    }];
  }
  return [];
}

/** Version 2 of the questionnaire: the default. */
export const QUESTIONNAIRE_V2: QuestionnaireDef = {
  version: 2,
  questions: TRIAGE_QUESTIONS_V2,
  isAsked(questionId: string, answers: Answers): boolean {
    if (!byIdV2.has(questionId)) return false;
    const condition = conditionsV2[questionId];
    return condition ? condition(answers) : true;
  },
  crossChecks: exclusionChecks,
};

export { QUESTIONNAIRE_V1 };

/** A questionnaire by version. */
export function questionnaireOf(version: 1 | 2): QuestionnaireDef {
  return version === 1 ? QUESTIONNAIRE_V1 : QUESTIONNAIRE_V2;
}

/** The questionnaire forms ask: its version, registration fields (page 1) and triage questions (pages 2–5). */
export const questionnaire: {
  version: typeof QUESTIONNAIRE_VERSION;
  fields: readonly Question[];
  questions: readonly Question[];
} = {
  version: QUESTIONNAIRE_VERSION,
  fields: REGISTRATION_FIELDS,
  questions: TRIAGE_QUESTIONS_V2,
};

const byId = new Map<string, Question>([...REGISTRATION_FIELDS, ...TRIAGE_QUESTIONS_V2].map((q) => [q.id, q]));

/** A registration field or (current) triage question by id, or undefined. */
export function getQuestion(id: string): Question | undefined {
  return byId.get(id);
}

/**
 * Whether a current triage question is asked, given the answers so far. A condition that reads
 * an answer not given yet does not hold, so paged forms ask a question only once the page that
 * decides it has been answered. Unknown ids are never asked.
 */
export function isAsked(questionId: string, answers: Answers): boolean {
  return QUESTIONNAIRE_V2.isAsked(questionId, answers);
}

/** The triage questions asked given the answers so far, in table order; optionally one page. */
export function askedQuestions(answers: Answers, page?: number): Question[] {
  return TRIAGE_QUESTIONS_V2.filter((q) => (page === undefined || q.page === page) && isAsked(q.id, answers));
}

/** The pages of the triage form, in order (page 1 is registration). */
export function triagePages(): number[] {
  return [...new Set(TRIAGE_QUESTIONS_V2.map((q) => q.page))].sort((a, b) => a - b);
}
