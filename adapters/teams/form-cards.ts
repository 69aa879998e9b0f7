/**
 * The registration and triage form as paged Adaptive Cards, rendered from the questionnaire data:
 * page 1 the registration fields, pages 2–5 the triage questions asked given the answers so far.
 * Input ids equal the field and question ids; the answers of earlier pages ride in the action data.
 */
import type { Question } from '../../flows/triage/questionnaire';
import { askedQuestions, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import type { Answers, AnswerValue, FieldError } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { adaptiveCard, errorText, executeAction, heading, textBlock } from './card-kit';

/** Which conversation the form belongs to. */
export type FormFlow = 'register' | 'resubmit' | 'retriage';

/** The state a form card carries in its action data. */
export interface FormState {
  flow: FormFlow;
  /** The system, for resubmit and retriage. */
  ref?: string | undefined;
  page: number;
  /** Registration fields already accepted (page 1), with `_ownerName` / `_ownerEmail` extras. */
  fields: Record<string, string>;
  /** Triage answers of the pages before this one. */
  answers: Answers;
  /** The "is it AI?" warnings were shown on this page; submitting it again goes on. */
  warned?: boolean | undefined;
  /** The catalog tool a registration was pre-filled from (its answers are offered as defaults). */
  catalogId?: string | undefined;
}

/** What else a page shows: errors, typed values, defaults, who is filling it in. */
export interface FormRenderOptions {
  /** This page's answers, for the "is it AI?" warnings shown before submitting. */
  warnAnswers?: Answers;
  errors?: FieldError[];
  /** Raw values to show again (after an error). */
  values?: Record<string, string>;
  /** Earlier answers offered as defaults (resubmit, re-triage). */
  previous?: Answers;
  /** The speaker, offered as owner in the people picker. */
  speaker?: { id: string; name: string };
}

const TITLES: Record<FormFlow, string> = {
  register: 'Register an AI tool',
  resubmit: 'Resubmit the triage',
  retriage: 'Update the triage',
};

/** The questions a page asks given the answers so far (page 1: the registration fields). */
export function pageQuestions(page: number, answers: Answers): Question[] {
  return page === 1 ? [...questionnaire.fields] : askedQuestions(answers, page);
}

/** The first page after `page` that asks something, or null when the form is complete. */
export function nextPage(page: number, answers: Answers): number | null {
  return triagePages().find((p) => p > page && askedQuestions(answers, p).length > 0) ?? null;
}

/** The first page of a flow: registration starts with the fields, the others with triage. */
export function firstPage(flow: FormFlow): number {
  return flow === 'register' ? 1 : (nextPage(1, {}) ?? 2);
}

/** An answer as the string a card input holds. */
export function inputString(value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function choices(q: Question): CardJson[] {
  if (q.kind === 'bool') return [{ title: 'Yes', value: 'true' }, { title: 'No', value: 'false' }];
  return (q.values ?? []).map((v) => ({ title: v.label, value: v.id }));
}

/** Longest link the Link input (`url`) takes, in characters; longer ones are refused on submit. */
export const URL_MAX_LENGTH = 2000;

/** What Teams shows under a required input left empty. */
function requiredMessage(q: Question): string {
  switch (q.kind) {
    case 'person':
      return `${q.label} is required: pick a person or type their email.`;
    case 'text':
    case 'url':
      return `${q.label} is required.`;
    default:
      return `${q.label} is required: choose an answer.`;
  }
}

function input(q: Question, value: string, speaker?: FormRenderOptions['speaker']): CardJson {
  const label = `${q.label}${q.required ? '' : ' (optional)'}`;
  const base = { id: q.id, label, isRequired: q.required, ...(q.required ? { errorMessage: requiredMessage(q) } : {}), value };
  switch (q.kind) {
    case 'one':
      return { type: 'Input.ChoiceSet', ...base, style: (q.values?.length ?? 0) > 4 ? 'compact' : 'expanded', choices: choices(q) };
    case 'many':
      return { type: 'Input.ChoiceSet', ...base, isMultiSelect: true, style: 'expanded', choices: choices(q) };
    case 'bool':
      return { type: 'Input.ChoiceSet', ...base, style: 'expanded', choices: choices(q) };
    case 'person':
      // The Teams people picker: its values are AAD object ids. The speaker is offered as a
      // static choice so "me" is one click.
      return {
        type: 'Input.ChoiceSet',
        ...base,
        value: value || speaker?.id || '',
        choices: speaker ? [{ title: `${speaker.name} (me)`, value: speaker.id }] : [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      };
    case 'url':
      return { type: 'Input.Text', ...base, style: 'Url', placeholder: 'https://…', maxLength: q.maxLength ?? URL_MAX_LENGTH };
    case 'text':
      return { type: 'Input.Text', ...base, maxLength: q.maxLength, isMultiline: (q.maxLength ?? 0) > 200 };
  }
}

/** The card of one form page. */
export function formCard(state: FormState, opts: FormRenderOptions = {}): CardJson {
  const questions = pageQuestions(state.page, state.answers);
  const errors = opts.errors ?? [];
  const last = state.page > 1 && nextPage(state.page, { ...state.answers, ...guessAnswers(questions, opts) }) === null;
  const body: CardJson[] = [
    heading(`${TITLES[state.flow]}${state.ref ? ` ${state.ref}` : ''} — page ${state.page} of ${Math.max(...triagePages())}`),
  ];
  if (state.page === 1 && state.flow === 'register') body.push(textBlock('First the registration, then the triage questions.', { isSubtle: true }));
  if (errors.length > 0) body.push(textBlock('Please correct the fields marked below.', { color: 'Attention', weight: 'Bolder' }));
  // The "is it AI?" warnings follow from page 2; show them before anything is submitted.
  const shownAnswers = state.warned ? { ...state.answers, ...(opts.warnAnswers ?? {}) } : state.answers;
  if (state.page > 2 || state.warned) for (const w of techniqueWarnings(shownAnswers)) body.push(textBlock(`⚠ ${w.message}`, { color: 'Warning' }));
  for (const q of questions) {
    const value = opts.values?.[q.id] ?? (state.page === 1 ? (state.fields[q.id] ?? '') : inputString(opts.previous?.[q.id]));
    body.push(input(q, value, opts.speaker));
    body.push(textBlock(q.help, { isSubtle: true, size: 'Small', spacing: 'None' }));
    for (const e of errors.filter((x) => x.field === q.id)) body.push(errorText(`${q.label}: ${e.message}`));
  }
  const stray = errors.filter((e) => !questions.some((q) => q.id === e.field));
  for (const e of stray) body.push(errorText(`${e.field}: ${e.message}`));
  const data = { action: 'form.next', flow: state.flow, ...(state.ref ? { ref: state.ref } : {}), page: state.page, fields: state.fields, answers: state.answers, ...(state.warned ? { warned: true } : {}), ...(state.catalogId ? { catalogId: state.catalogId } : {}) };
  return adaptiveCard(body, {
    actions: [executeAction(last ? 'Submit' : 'Next', data, { style: 'positive' }), executeAction('Cancel', { action: 'form.cancel' }, { associatedInputs: 'none' })],
  });
}

// Whether the page is the last one can depend on its own answers (e.g. annex_iii_uses decides
// page 4); defaults decide the button label only, never what is stored.
function guessAnswers(questions: Question[], opts: FormRenderOptions): Answers {
  const out: Answers = {};
  for (const q of questions) {
    const v = opts.previous?.[q.id];
    if (v !== undefined) out[q.id] = v;
  }
  return out;
}
