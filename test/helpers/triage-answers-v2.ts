/** Version 2 answer sets for triage tests (triage.md §6–§12), valid unless a test changes them. */
import { expect } from 'vitest';
import type { Answers, ClassificationV2, TriagePolicy } from '../../flows/triage/types';
import { classifyInput } from '../../flows/triage/classify';
import { highAnswers, minimalAnswers } from '../fixtures/answers';

/** Example 1 of triage.md §5 under v2: a vendor chat assistant used as supplied for internal drafting. */
export const assistant: Answers = { ...minimalAnswers, affected_people: ['none'] };

/** Example 2 under v2: a CV-screening product bought for that purpose. */
export const cvScreener: Answers = highAnswers;

/** Example 3 under v2: our support chatbot built on a vendor model, answering customers. */
export const chatbot: Answers = {
  ...minimalAnswers,
  model_origin: 'built_on_vendor_model',
  affected_people: ['customers'],
  data_categories: ['internal', 'personal'],
  interacts_with_people: 'external_people',
  synthetic_media: ['none'],
};

/** An ordinary rule engine with no AI capability. */
export const ruleEngine: Answers = { technique: 'rules_by_people', ai_capabilities: ['none'], data_categories: ['internal'] };

/** Copies `base` with `changes`; a change to `undefined` removes the answer. */
export function v2(base: Answers, changes: Record<string, Answers[string] | undefined> = {}): Answers {
  const out: Answers = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** A high-risk Annex III system with the v2 high-risk questions answered; `changes` adjust it. */
export function highV2(changes: Record<string, Answers[string] | undefined> = {}): Answers {
  return v2(cvScreener, changes);
}

/** Classifies v2 answers that must be valid; fails the test with the validation errors otherwise. */
export function runV2(answers: Answers, policy: Partial<TriagePolicy> = {}): ClassificationV2 {
  const outcome = classifyInput(answers, policy);
  if (!outcome.ok) expect.fail(`test answers are invalid: ${JSON.stringify(outcome.errors)}`);
  return outcome.result;
}

/** Obligation ids in order. */
export function idsV2(c: ClassificationV2): string[] {
  return c.obligations.map((o) => o.id);
}

/** One obligation row by id, or undefined. */
export function rowOf(c: ClassificationV2, id: string) {
  return c.obligations.find((o) => o.id === id);
}

/** Warning ids in order. */
export function warningIds(c: ClassificationV2): string[] {
  return c.warnings.map((w) => w.id);
}
