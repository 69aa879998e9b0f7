/**
 * The impact assessment questions (ISO/IEC 42001 A.5.2–A.5.5, 6.1.4, 8.4; EU AI Act Art. 27):
 * one definition, rendered by every adapter and validated here. Every answer is free text: an
 * impact is described, not scored. What triage already answered is offered as the pre-filled
 * answer and the form says so, so nobody types the same fact twice.
 */
import type { Answers } from '../triage/types';

/** The version of the questions that stored answers follow (`impact_assessments.version`). */
export const IMPACT_QUESTIONS_VERSION = 1;

/** Longest answer, in characters. */
export const IMPACT_ANSWER_MAX = 2000;

/** One impact question. */
export interface ImpactQuestion {
  /** Stable id: the key in stored answers, the Slack block/action id and the Teams input id. */
  id: string;
  /** `A.5.4` individuals and groups, `A.5.5` society, `art27` the FRIA elements. */
  group: 'A.5.4' | 'A.5.5' | 'art27';
  /** The Art. 27(1) point, for the FRIA elements: `a` … `f`. */
  point?: 'a' | 'b' | 'c' | 'd' | 'e' | 'f';
  /** Short label (Slack modal labels, Teams input labels, Markdown headings). */
  label: string;
  /** What to write, in plain words. */
  help: string;
}

/** A.5.4 and A.5.5: asked of every system. */
export const IMPACT_QUESTIONS: readonly ImpactQuestion[] = [
  { id: 'affected_groups', group: 'A.5.4', label: 'Who is affected', help: 'The individuals and groups the system affects, directly or through its outputs, including vulnerable groups.' },
  { id: 'fundamental_rights', group: 'A.5.4', label: 'Fundamental rights', help: 'Which rights could be touched (dignity, expression, fair treatment, remedy) and how.' },
  { id: 'discrimination', group: 'A.5.4', label: 'Discrimination and fairness', help: 'Could outputs treat people differently by sex, origin, age, disability or other traits? How is this checked?' },
  { id: 'privacy', group: 'A.5.4', label: 'Privacy', help: 'What personal data is used, for what, who sees it, and how long it is kept.' },
  { id: 'autonomy', group: 'A.5.4', label: 'Autonomy and human decision', help: 'Do people keep control over decisions about them? Can they contest or opt out?' },
  { id: 'access_to_services', group: 'A.5.4', label: 'Access to services', help: 'Could anyone lose or be refused a job, service, benefit or opportunity because of the system?' },
  { id: 'societal', group: 'A.5.5', label: 'Society', help: 'Wider effects: public trust, misinformation, democratic processes, jobs, groups beyond the users.' },
  { id: 'environmental', group: 'A.5.5', label: 'Environment', help: 'Energy and resources the system uses (training, hosting, volume of use) and what limits them.' },
];

/** Art. 27(1)(a)–(f): asked too when the system's classification carries the `fria` obligation. */
export const FRIA_QUESTIONS: readonly ImpactQuestion[] = [
  { id: 'fria_process', group: 'art27', point: 'a', label: 'Process and purpose', help: 'The deployer process in which the system is used, in line with its intended purpose.' },
  { id: 'fria_period', group: 'art27', point: 'b', label: 'Period and frequency of use', help: 'For how long and how often the system is intended to be used.' },
  { id: 'fria_people', group: 'art27', point: 'c', label: 'Categories of people affected', help: 'The categories of natural persons and groups likely to be affected in this specific context.' },
  { id: 'fria_risks', group: 'art27', point: 'd', label: 'Specific risks of harm', help: 'The specific risks of harm to those categories, taking the provider information (Art. 13) into account.' },
  { id: 'fria_oversight', group: 'art27', point: 'e', label: 'Human oversight measures', help: 'The human oversight measures, according to the instructions for use.' },
  { id: 'fria_materialise', group: 'art27', point: 'f', label: 'When risks materialise', help: 'What is done if the risks materialise: internal governance and complaint mechanisms.' },
];

/** The questions asked of one system: A.5.4 and A.5.5, plus Art. 27 when `fria` applies. */
export function impactQuestions(friaApplies: boolean): readonly ImpactQuestion[] {
  return friaApplies ? [...IMPACT_QUESTIONS, ...FRIA_QUESTIONS] : IMPACT_QUESTIONS;
}

/** What a pre-filled answer rests on, said to the person. */
export interface Prefill {
  text: string;
  /** e.g. `from triage: affected_people` */
  source: string;
}

/** What the pre-fill reads of a system. */
export interface PrefillFacts {
  purpose: string;
  answers: Answers;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).filter((x) => x !== 'none') : []);
const words = (ids: string[]) => ids.map((x) => x.replace(/_/g, ' ')).join(', ');

const DECISION_ROLE: Record<string, string> = {
  informs: 'The system only informs; a person decides.',
  human_review: 'The system decides and a person checks before it takes effect.',
  autonomous: 'The system takes effect without a person checking it first.',
};

/** Answers triage already gave, as pre-filled answers (the person may keep or change them). */
export function prefillFrom(facts: PrefillFacts): Record<string, Prefill> {
  const out: Record<string, Prefill> = {};
  const affected = list(facts.answers['affected_people']);
  if (affected.length) {
    out['affected_groups'] = { text: `Affected: ${words(affected)}.`, source: 'from triage: affected_people' };
    out['fria_people'] = { text: `Affected: ${words(affected)}.`, source: 'from triage: affected_people' };
  }
  const data = list(facts.answers['data_categories']);
  if (data.length) out['privacy'] = { text: `Data used: ${words(data)}.`, source: 'from triage: data_categories' };
  const role = facts.answers['decision_role'];
  if (typeof role === 'string' && DECISION_ROLE[role]) {
    out['autonomy'] = { text: DECISION_ROLE[role], source: 'from triage: decision_role' };
    out['fria_oversight'] = { text: DECISION_ROLE[role], source: 'from triage: decision_role' };
  }
  if (facts.purpose.trim()) out['fria_process'] = { text: facts.purpose.trim().slice(0, IMPACT_ANSWER_MAX), source: 'from registration: purpose' };
  return out;
}
