/** Shapes of the questionnaire data (triage.md §1–§2, §6). */
import type { Answers, FieldError } from './types';

/** How an answer is given: free text, a URL, a person, one value, a set of values, yes/no. */
export type QuestionKind = 'text' | 'url' | 'person' | 'one' | 'many' | 'bool';

/** One allowed value of a `one` or `many` question. */
export interface QuestionValue {
  /** Stable id stored in answers. */
  id: string;
  /** Short label shown in forms. */
  label: string;
  /** One line for a non-lawyer. */
  help: string;
}

/** A registration field or a triage question. */
export interface Question {
  /** Stable id (triage.md); never changes without a new questionnaire version. */
  id: string;
  section: 'registration' | 'triage';
  kind: QuestionKind;
  /** Required whenever the question is asked. */
  required: boolean;
  /** Maximum length in characters, for text fields. */
  maxLength?: number;
  label: string;
  help: string;
  /** A worked example in plain words (questions new in version 2 have one). */
  example?: string;
  values?: QuestionValue[];
  /** Form page: each page's answers decide which questions the next page asks. */
  page: number;
  /** The condition under which the question is asked, in words; '' when always. */
  when: string;
  /** Earlier questions whose answers the condition reads (used to avoid knock-on errors). */
  dependsOn: string[];
}

/** Shorthand for a value entry. */
export function v(id: string, label: string, help: string): QuestionValue {
  return { id, label, help };
}

/** The questions that decide rule H, on which later questions depend. */
export const HIGH_RISK_INPUTS = [
  'ai_capabilities',
  'prohibited_practices',
  'annex_iii_uses',
  'safety_component',
  'art6_3_conditions',
  'profiles_people',
];

/** One questionnaire version: its questions in table order and the conditions that ask them. */
export interface QuestionnaireDef {
  version: 1 | 2;
  /** Triage questions in table order; every question's conditions read only earlier ones. */
  questions: readonly Question[];
  /** Whether a question is asked given the answers so far; unknown ids are never asked. */
  isAsked(questionId: string, answers: Answers): boolean;
  /** Checks across answers that are valid one by one (e.g. an exclusion that cannot apply). */
  crossChecks(answers: Answers): FieldError[];
}
