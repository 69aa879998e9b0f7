/**
 * The registration and triage modals, page by page, rendered from the questionnaire data. The
 * answers so far are kept server-side (form-store.ts); `private_metadata` carries only the form's
 * key and the page shown, so any server replica can handle the next page and long answers fit.
 */
import { z } from 'zod';
import type { types } from '@slack/bolt';
import { askedQuestions, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import type { Answers } from '../../flows/triage/types';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import type { Block } from './blocks';
import { LIMITS, button, context, limitBlocks, plain, section } from './blocks';
import { inputBlock } from './form-blocks';
import type { FormData } from './form-store';
import { esc } from './mrkdwn';
import type { SlackMessage } from './render-request';

/** Callback id of every registration / triage page. */
export const FORM_CALLBACK = 'aims.form';

/** Action id of the "Back" button of a form page (its value: the page shown). */
export const FORM_BACK_ACTION = 'form.back';

/** What a page carries in `private_metadata`: the form's key and the page it shows. */
export const formMetaSchema = z.object({
  k: z.string().min(16).max(64),
  p: z.number().int().min(1).max(20),
});

/** The small `private_metadata` of a form page. */
export type FormMeta = z.infer<typeof formMetaSchema>;

/** Parses `private_metadata`; null when it is not ours or is damaged (or from an older version). */
export function parseFormMeta(metadata: string | null | undefined): FormMeta | null {
  try {
    const r = formMetaSchema.safeParse(JSON.parse(metadata ?? ''));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The first triage page after `page` that asks anything, given the answers so far; null when done. */
export function nextPage(answers: Answers, page: number): number | null {
  for (const p of triagePages()) if (p > page && askedQuestions(answers, p).length > 0) return p;
  return null;
}

const TOTAL = () => Math.max(...triagePages());

function modal(title: string, meta: FormMeta, blocks: Block[], submit: string | null): types.ModalView {
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    title: plain(title, LIMITS.modalTitle),
    ...(submit ? { submit: plain(submit, LIMITS.submitText) } : {}),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks: limitBlocks(blocks, LIMITS.viewBlocks),
  };
}

/** The "Back" button under a page's questions; the answers of every page are kept. */
function backBlock(page: number): Block {
  return { type: 'actions', block_id: 'form.nav', elements: [button('Back', FORM_BACK_ACTION, String(page))] };
}

/**
 * Page 1: the registration fields, prefilled (the owner defaults to the person registering);
 * `notes` (mrkdwn, escaped by the caller) say where pre-filled values came from.
 */
export function registrationView(key: string, prefill: Record<string, string> = {}, notes: string[] = []): types.ModalView {
  const blocks = [
    context('Page 1 of ' + TOTAL() + ': what the tool is. The next pages ask what it does; each page’s answers decide the next questions.'),
    ...notes.map((n) => context(n)),
    ...questionnaire.fields.map((f) => inputBlock(f, prefill[f.id])),
  ];
  return modal('Register an AI tool', { k: key, p: 1 }, blocks, 'Next');
}

/** The page before `page` that asks anything, given the answers; 1 (registration) or null at the start. */
export function previousPage(data: FormData, page: number): number | null {
  const earlier = triagePages().filter((p) => p < page && askedQuestions(data.answers, p).length > 0);
  if (earlier.length) return earlier.at(-1)!;
  return data.mode === 'register' && page > 1 ? 1 : null;
}

/**
 * A triage page, prefilled with the answers given so far (over `prefill`, the earlier
 * assessment's answers when re-answering), with a Back button when a page comes before it.
 */
export function triageView(key: string, data: FormData, page: number, prefill: Answers = {}): types.ModalView {
  const shown: Answers = { ...prefill, ...data.answers };
  const questions = askedQuestions(data.answers, page);
  // Whether another page follows depends on this page's answers; only the last page is certain.
  const last = page === TOTAL();
  const warned = data.warned?.includes(page) ?? false;
  const intro = data.ref ? `${esc(data.ref)}: answer the triage again (your earlier answers are filled in).` : 'Triage';
  const blocks = [
    context(`${intro} Page ${page} of ${TOTAL()}.`),
    // The "is it AI?" warnings follow from page 2; show them before anything is submitted.
    ...(page > 2 || warned ? techniqueWarnings(shown).map((w) => context(`:warning: ${w.message}`)) : []),
    ...questions.map((q) => inputBlock(q, shown[q.id])),
    ...(previousPage(data, page) !== null ? [backBlock(page)] : []),
  ];
  return modal(`Triage · page ${page} of ${TOTAL()}`, { k: key, p: page }, blocks, last ? 'Submit' : 'Next');
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
