/**
 * The risk modal: one risk per modal (a register can hold more risks than one view's 100
 * blocks), rendered from the flows' field list. In an assessment the submit button saves the
 * risk and shows the next one ("Save and next").
 */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { RiskField, RiskFormValues } from '../../../flows';
import { RISK_FIELDS } from '../../../flows';
import type { Block } from '../blocks';
import { LIMITS, plain, section } from '../blocks';
import { clip, esc, slackUserId } from '../mrkdwn';

/** Callback id of the risk modal. */
export const RISK_CALLBACK = 'risk.form';
/** Block and action id of the keep/drop choice in an assessment. */
export const KEEP_FIELD = 'keep';

/** What the modal carries between submissions. */
export const riskMeta = z.object({
  mode: z.enum(['assess', 'add', 'edit']),
  /** The system (`AI-3`); for `edit` the risk (`AI-3/R-1`). */
  ref: z.string().max(40),
  /** Assessment only: the risks to walk through, by number or by suggested source. */
  queue: z.array(z.object({ number: z.number().int().nullable(), source: z.string().max(40) })).max(60).default([]),
  index: z.number().int().min(0).default(0),
  channel: z.string().max(40).optional(),
});
/** Parsed metadata. */
export type RiskMeta = z.infer<typeof riskMeta>;

const option = (value: string, label: string): types.PlainTextOption => ({ text: plain(label, LIMITS.optionText), value });

function first(v: RiskFormValues[string]): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function element(f: RiskField, v: RiskFormValues[string]): types.InputBlockElement {
  const opts = (f.options ?? []).map((o) => option(o.value, o.label));
  const base = { action_id: f.id };
  switch (f.kind) {
    case 'one': {
      const initial = opts.find((o) => o.value === first(v));
      return { ...base, type: 'static_select', options: opts, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'many': {
      const wanted: string[] = Array.isArray(v) ? v : first(v).split(/[\s,;]+/);
      const initial = opts.filter((o) => wanted.includes(o.value ?? ''));
      return { ...base, type: 'multi_static_select', options: opts, ...(initial.length ? { initial_options: initial } : {}) };
    }
    case 'person': {
      const user = slackUserId(first(v));
      return { ...base, type: 'users_select', ...(user ? { initial_user: user } : {}) };
    }
    case 'date':
      return { ...base, type: 'datepicker', ...(/^\d{4}-\d{2}-\d{2}$/.test(first(v)) ? { initial_date: first(v) } : {}) };
    case 'line':
    case 'text':
      return { ...base, type: 'plain_text_input', multiline: f.kind === 'text', max_length: 1500, ...(first(v) ? { initial_value: clip(first(v), 1500) } : {}) };
  }
}

/** The modal of one risk. `intro` is escaped mrkdwn shown above the fields. */
export function riskModal(meta: RiskMeta, values: RiskFormValues, title: string, intro: string): types.ModalView {
  const assess = meta.mode === 'assess';
  const last = !assess || meta.index >= meta.queue.length - 1;
  const blocks: Block[] = [section(intro)];
  if (assess) {
    const keep = option('keep', 'Keep: this is a risk of this system');
    blocks.push({
      type: 'input',
      block_id: KEEP_FIELD,
      label: plain('Keep or drop', LIMITS.label),
      element: { type: 'radio_buttons', action_id: KEEP_FIELD, options: [keep, option('drop', 'Drop it')], initial_option: keep },
    } as Block);
  }
  for (const f of RISK_FIELDS) {
    blocks.push({
      type: 'input',
      block_id: f.id,
      // Optional in Slack whenever dropping the risk must not need it; flows decide what is required.
      optional: assess || !f.required,
      label: plain(f.label, LIMITS.label),
      hint: plain(f.help, LIMITS.hint),
      element: element(f, values[f.id]),
    } as Block);
  }
  return {
    type: 'modal',
    callback_id: RISK_CALLBACK,
    title: plain(title, LIMITS.modalTitle),
    submit: plain(last ? 'Save' : 'Save and next', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** The answers of a submitted risk modal, as flows expect them. */
export function riskValues(state: Record<string, Record<string, unknown>>): { values: RiskFormValues; drop: boolean } {
  const values: RiskFormValues = {};
  for (const f of RISK_FIELDS) {
    const el = (state[f.id]?.[f.id] ?? {}) as {
      value?: string | null;
      selected_option?: { value?: string } | null;
      selected_options?: Array<{ value?: string }>;
      selected_user?: string | null;
      selected_date?: string | null;
    };
    if (f.kind === 'many') values[f.id] = (el.selected_options ?? []).map((o) => o.value ?? '').filter(Boolean);
    else if (f.kind === 'person') values[f.id] = el.selected_user ? `slack:${el.selected_user}` : '';
    else if (f.kind === 'date') values[f.id] = el.selected_date ?? '';
    else if (f.kind === 'one') values[f.id] = el.selected_option?.value ?? '';
    else values[f.id] = el.value ?? '';
  }
  const keep = (state[KEEP_FIELD]?.[KEEP_FIELD] as { selected_option?: { value?: string } } | undefined)?.selected_option?.value;
  return { values, drop: keep === 'drop' };
}

/** Escaped intro line of a risk in the modal. */
export function riskIntro(label: string, description: string): string {
  return `*${esc(label)}*\n${esc(description)}`;
}
