/**
 * The registration and triage modals, page by page, rendered from the questionnaire data. The
 * answers so far travel in `private_metadata`, so any server replica can handle the next page.
 */
import { z } from 'zod';
import type { types } from '@slack/bolt';
import { askedQuestions, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import type { Answers } from '../../flows/triage/types';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import type { Block } from './blocks';
import { LIMITS, context, limitBlocks, plain, section } from './blocks';
import { inputBlock } from './form-blocks';
import { esc } from './mrkdwn';
import type { SlackMessage } from './render-request';

/** Callback id of every registration / triage page. */
export const FORM_CALLBACK = 'aims.form';

const answerValue = z.union([z.string(), z.array(z.string()), z.boolean()]);

/** What a form carries from page to page. */
export const formStateSchema = z.object({
  /** register: a new system; resubmit: after changes were requested; retriage: a review update. */
  mode: z.enum(['register', 'resubmit', 'retriage']),
  page: z.number().int().min(1).max(20),
  fields: z.record(z.string(), z.string()).optional(),
  answers: z.record(z.string(), answerValue),
  /** The system reference for resubmit / retriage. */
  ref: z.string().max(20).optional(),
  /** The "is it AI?" warnings were shown on this page; submitting it again goes on. */
  warned: z.boolean().optional(),
});

/** The form state carried in `private_metadata`. */
export type FormState = z.infer<typeof formStateSchema>;

/** Parses `private_metadata`; null when it is not ours or is damaged. */
export function parseFormState(metadata: string): FormState | null {
  try {
    const r = formStateSchema.safeParse(JSON.parse(metadata));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Serialises form state, or null when it would not fit Slack's 3,000-character limit. */
export function serialiseFormState(state: FormState): string | null {
  const text = JSON.stringify(state);
  return text.length <= LIMITS.privateMetadata ? text : null;
}

/** The first triage page after `page` that asks anything, given the answers so far; null when done. */
export function nextPage(answers: Answers, page: number): number | null {
  for (const p of triagePages()) if (p > page && askedQuestions(answers, p).length > 0) return p;
  return null;
}

const TOTAL = () => Math.max(...triagePages());

function modal(title: string, metadata: string, blocks: Block[], submit: string | null): types.ModalView {
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    title: plain(title, LIMITS.modalTitle),
    ...(submit ? { submit: plain(submit, LIMITS.submitText) } : {}),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: metadata,
    blocks: limitBlocks(blocks, LIMITS.viewBlocks),
  };
}

/** Page 1: the registration fields. */
export function registrationView(prefill: Record<string, string> = {}): types.ModalView {
  const state: FormState = { mode: 'register', page: 1, answers: {} };
  const blocks = [
    context('Page 1 of ' + TOTAL() + ': what the tool is. The next pages ask what it does; each page’s answers decide the next questions.'),
    ...questionnaire.fields.map((f) => inputBlock(f, prefill[f.id])),
  ];
  return modal('Register an AI tool', JSON.stringify(state), blocks, 'Next');
}

/** A triage page, prefilled from earlier answers when re-answering. */
export function triageView(state: FormState, page: number, prefill: Answers = {}): { view: types.ModalView } | { tooLong: true } {
  const next: FormState = { ...state, page };
  const metadata = serialiseFormState(next);
  if (metadata === null) return { tooLong: true };
  const questions = askedQuestions(state.answers, page);
  // Whether another page follows depends on this page's answers; only the last page is certain.
  const last = page === TOTAL();
  const intro = state.ref ? `${esc(state.ref)}: answer the triage again (your earlier answers are filled in).` : 'Triage';
  const blocks = [
    context(`${intro} Page ${page} of ${TOTAL()}.`),
    // The "is it AI?" warnings follow from page 2; show them before anything is submitted.
    ...(page > 2 || state.warned ? techniqueWarnings({ ...state.answers, ...prefill }).map((w) => context(`:warning: ${w.message}`)) : []),
    ...questions.map((q) => inputBlock(q, prefill[q.id])),
  ];
  return { view: modal(`Triage · page ${page} of ${TOTAL()}`, metadata, blocks, last ? 'Submit' : 'Next') };
}

/** A modal that only shows a message (the summary at the end, or a duplicate). */
export function messageView(title: string, message: SlackMessage): types.ModalView {
  return {
    type: 'modal',
    callback_id: `${FORM_CALLBACK}.done`,
    title: plain(title, LIMITS.modalTitle),
    close: plain('Done', LIMITS.submitText),
    blocks: limitBlocks(message.blocks.length ? message.blocks : [section(message.text)], LIMITS.viewBlocks),
  };
}
