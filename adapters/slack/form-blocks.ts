/**
 * Modal input blocks rendered from the questionnaire data, and the answers read back from a
 * submitted view. Block ids and action ids are the field and question ids (product.md).
 */
import type { types, ViewStateValue } from '@slack/bolt';
import type { Question } from '../../flows/triage/questionnaire';
import type { AnswerValue } from '../../flows/triage/types';
import type { Block } from './blocks';
import { LIMITS, plain } from './blocks';
import { clip } from './mrkdwn';

/** The state of a submitted view: block id → action id → value. */
export type ViewState = Record<string, Record<string, ViewStateValue | undefined> | undefined>;

/** The longest link the form takes (characters); browsers and Slack's own links stay below it. */
export const URL_MAX_LENGTH = 2000;

const YES = 'yes';
const NO = 'no';

function option(value: string, label: string, help?: string): types.PlainTextOption {
  return {
    text: plain(label, LIMITS.optionText),
    value,
    ...(help ? { description: plain(help, LIMITS.optionDescription) } : {}),
  };
}

function valuesOf(q: Question): Array<{ id: string; label: string; help: string }> {
  if (q.kind === 'bool') {
    return [
      { id: YES, label: 'Yes', help: '' },
      { id: NO, label: 'No', help: '' },
    ];
  }
  // Slack accepts at most 100 options in a select; the questionnaire has far fewer.
  return (q.values ?? []).slice(0, LIMITS.options);
}

/** The element of one question, prefilled with `initial` when given. */
function element(q: Question, initial: AnswerValue | undefined): types.InputBlockElement {
  const id = q.id;
  switch (q.kind) {
    case 'text':
    case 'url': {
      const max = Math.min(q.maxLength ?? (q.kind === 'url' ? URL_MAX_LENGTH : LIMITS.sectionText), LIMITS.sectionText);
      return {
        type: 'plain_text_input',
        action_id: id,
        multiline: q.kind !== 'url' && max > 200,
        max_length: max,
        ...(typeof initial === 'string' && initial ? { initial_value: clip(initial, max) } : {}),
      };
    }
    case 'person': {
      const user = typeof initial === 'string' ? /^slack:([A-Z0-9]+)$/.exec(initial)?.[1] : undefined;
      return { type: 'users_select', action_id: id, ...(user ? { initial_user: user } : {}) };
    }
    case 'one':
    case 'bool': {
      const values = valuesOf(q);
      const withHelp = values.length <= 10;
      const options = values.map((v) => option(v.id, v.label, withHelp && v.help ? v.help : undefined));
      const chosen = q.kind === 'bool' ? (initial === true ? YES : initial === false ? NO : undefined) : typeof initial === 'string' ? initial : undefined;
      const initialOption = options.find((o) => o.value === chosen);
      // Radio buttons show the one-line help of each value; a long list needs a select.
      if (withHelp) return { type: 'radio_buttons', action_id: id, options, ...(initialOption ? { initial_option: initialOption } : {}) };
      return {
        type: 'static_select',
        action_id: id,
        options: values.map((v) => option(v.id, v.label)),
        ...(initialOption ? { initial_option: option(initialOption.value!, initialOption.text.text) } : {}),
      };
    }
    case 'many': {
      const values = valuesOf(q);
      const chosen = Array.isArray(initial) ? initial : [];
      if (values.length <= 10) {
        const options = values.map((v) => option(v.id, v.label, v.help));
        const initialOptions = options.filter((o) => chosen.includes(o.value!));
        return { type: 'checkboxes', action_id: id, options, ...(initialOptions.length ? { initial_options: initialOptions } : {}) };
      }
      const options = values.map((v) => option(v.id, v.label));
      const initialOptions = options.filter((o) => chosen.includes(o.value!));
      return { type: 'multi_static_select', action_id: id, options, ...(initialOptions.length ? { initial_options: initialOptions } : {}) };
    }
  }
}

/** An input block for a question. */
export function inputBlock(q: Question, initial?: AnswerValue): Block {
  return {
    type: 'input',
    block_id: q.id,
    label: plain(q.label, LIMITS.label),
    hint: plain(q.help, LIMITS.hint),
    optional: !q.required,
    element: element(q, initial),
  };
}

/** Reads one question's answer from a view state; undefined when not answered. */
export function readAnswer(q: Question, state: ViewState): AnswerValue | undefined {
  const v = state[q.id]?.[q.id];
  if (!v) return undefined;
  switch (q.kind) {
    case 'text':
    case 'url': {
      const text = v.value?.trim();
      return text ? text : undefined;
    }
    case 'person':
      return v.selected_user ? `slack:${v.selected_user}` : undefined;
    case 'bool': {
      const value = v.selected_option?.value;
      return value === YES ? true : value === NO ? false : undefined;
    }
    case 'one':
      return v.selected_option?.value ?? undefined;
    case 'many': {
      const values = (v.selected_options ?? []).map((o) => o.value).filter((x): x is string => typeof x === 'string');
      return values.length ? values : undefined;
    }
  }
}

/** Reads the answers of several questions; unanswered ones are left out. */
export function readAnswers(questions: readonly Question[], state: ViewState): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const q of questions) {
    const a = readAnswer(q, state);
    if (a !== undefined) out[q.id] = a;
  }
  return out;
}
