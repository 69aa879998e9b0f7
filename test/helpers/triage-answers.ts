/** Version 1 answer sets for triage tests, valid per triage.md §2 unless a test changes them. */
import { expect } from 'vitest';
import type { Answers, Classification, TriagePolicy } from '../../flows/triage/types';
import { classifyInputV1 as classifyInput } from '../../flows/triage/classify';
import { highAnswersV1 } from '../fixtures/answers';

/** Example 1 of triage.md §5: a vendor chat assistant used as supplied for internal drafting. */
export const internalAssistant: Answers = {
  ai_capabilities: ['generates_content', 'conversational_agent'],
  decision_role: 'informs',
  model_origin: 'vendor_as_is',
  offered_externally: false,
  affected_people: ['none'],
  data_categories: ['internal'],
  vendor_trains_on_inputs: 'no',
  interacts_with_people: 'internal_staff',
  synthetic_media: 'internal_only',
  prohibited_practices: ['none'],
  annex_iii_uses: ['none'],
  safety_component: false,
};

/** Example 2: a CV-screening product bought for that purpose, personal data, profiling candidates. */
export const cvScreening: Answers = highAnswersV1;

/** Example 3: a customer-support chatbot on a vendor model with our knowledge base. */
export const supportChatbot: Answers = {
  ai_capabilities: ['generates_content', 'conversational_agent'],
  decision_role: 'informs',
  model_origin: 'vendor_customized',
  offered_externally: false,
  affected_people: ['customers'],
  data_categories: ['internal', 'personal'],
  vendor_trains_on_inputs: 'no',
  interacts_with_people: 'external_people',
  synthetic_media: 'none',
  prohibited_practices: ['none'],
  annex_iii_uses: ['none'],
  safety_component: false,
};

/** A tool with no AI features. */
export const noAi: Answers = { ai_capabilities: ['none'], data_categories: ['internal'] };

/** Copies `base` with `changes`; a change to `undefined` removes the answer. */
export function withAnswers(base: Answers, changes: Record<string, Answers[string] | undefined>): Answers {
  const out: Answers = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Classifies answers that must be valid; fails the test with the validation errors otherwise. */
export function run(answers: Answers, policy: Partial<TriagePolicy> = {}): Classification {
  const outcome = classifyInput(answers, policy);
  if (!outcome.ok) expect.fail(`test answers are invalid: ${JSON.stringify(outcome.errors)}`);
  return outcome.result;
}

/** Obligation ids of a classification, in order. */
export function obligationIds(c: Classification): string[] {
  return c.obligations.map((o) => o.id);
}

/** Rationale refs for one rule letter. */
export function refs(c: Classification, rule: string): string[] {
  return c.rationale.filter((r) => r.rule === rule).map((r) => r.ref);
}
