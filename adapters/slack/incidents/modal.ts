/**
 * The incident modal (`incident.report`), rendered from the flows' field list. With a system
 * named in the command its reference travels in the metadata; without one the reporter picks it
 * (a list of up to 100 systems, else a reference typed in).
 */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { IncidentField, IncidentFormValues } from '../../../flows';
import { INCIDENT_FIELDS, stripBidi } from '../../../flows';
import type { Block } from '../blocks';
import { LIMITS, plain, section } from '../blocks';
import { esc } from '../mrkdwn';
import { INCIDENT_CALLBACK } from './render';

/** What the modal carries. */
export const incidentMeta = z.object({
  /** `AI-3` when the command named the system. */
  system: z.string().max(20).optional(),
  channel: z.string().max(40).optional(),
  /** Names this form: submitting it again reports nothing more. */
  key: z.string().max(64).optional(),
});
/** Parsed metadata. */
export type IncidentMeta = z.infer<typeof incidentMeta>;

const option = (value: string, label: string): types.PlainTextOption => ({ text: plain(stripBidi(label), LIMITS.optionText), value });

function element(f: IncidentField, initial: string, systems: Array<{ ref: string; name: string }>): types.InputBlockElement {
  const base = { action_id: f.id };
  if (f.kind === 'one') return { ...base, type: 'static_select', options: (f.options ?? []).map((o) => option(o.value, o.label)) };
  if (f.kind === 'system' && systems.length > 0 && systems.length <= LIMITS.options) {
    return { ...base, type: 'static_select', options: systems.map((s) => option(s.ref, `${s.ref} ${s.name}`)) };
  }
  return { ...base, type: 'plain_text_input', multiline: f.kind === 'text', max_length: f.kind === 'text' ? 3000 : 200, ...(initial ? { initial_value: initial } : {}) };
}

/**
 * The modal. `system` is the named system (shown, not asked); `systems` the choices when none is
 * named; `now` the local time pre-filled in `occurred_at`.
 */
export function incidentModal(meta: IncidentMeta, named: { ref: string; name: string } | null, systems: Array<{ ref: string; name: string }>, now: string): types.ModalView {
  const blocks: Block[] = [section(named ? `Incident with *${esc(named.ref)}* _${esc(named.name)}_` : 'Report an incident with an AI system. Compliance is told at once.')];
  for (const f of INCIDENT_FIELDS) {
    if (f.id === 'system' && named) continue;
    blocks.push({
      type: 'input',
      block_id: f.id,
      optional: !f.required,
      label: plain(f.label, LIMITS.label),
      hint: plain(f.help, LIMITS.hint),
      element: element(f, f.id === 'occurred_at' ? now : '', systems),
    } as Block);
  }
  return {
    type: 'modal',
    callback_id: INCIDENT_CALLBACK,
    title: plain('Report an incident', LIMITS.modalTitle),
    submit: plain('Report', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** The answers of a submitted modal, as flows expect them. */
export function incidentValues(state: Record<string, Record<string, unknown>>, meta: IncidentMeta): IncidentFormValues {
  const values: IncidentFormValues = {};
  for (const f of INCIDENT_FIELDS) {
    const el = (state[f.id]?.[f.id] ?? {}) as { value?: string | null; selected_option?: { value?: string } | null };
    values[f.id] = el.selected_option?.value ?? el.value ?? '';
  }
  if (meta.system) values['system'] = meta.system;
  return values;
}
