/**
 * Block Kit for nonconformities: the `nc NC-7` view (stage, containment, root cause, actions
 * with their status, effectiveness) with the buttons the viewer may use, the modals of
 * `nc.raise`, `nc.containment`, `nc.root_cause`, `nc.add_action` and `nc.verify` rendered from
 * the flows' field lists (block and action ids = the field ids), and the notices. Every user
 * text goes through `esc`.
 */
import type { types } from '@slack/bolt';
import type { NcField, NcView } from '../../../flows';
import * as flows from '../../../flows';
import type { Block } from '../blocks';
import { button, context, header, LIMITS, plain, section, sectionsOf } from '../blocks';
import { clip, esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** Button and modal ids (spec/aims.md). */
export const NC_ACTIONS = flows.NC_ACTIONS;

/** What each stage's modal asks. */
export const NC_MODAL_FIELDS = flows.NC_STEP_FIELDS;

const TITLES = flows.NC_STEP_TITLES;

const STATUS_ICON: Record<string, string> = { open: ':white_circle:', done: ':white_check_mark:', not_applicable: ':heavy_minus_sign:' };

/** The NC as mrkdwn lines. */
export function ncLines(v: NcView): string[] {
  const lines = [
    `*${esc(v.ref)}* · ${esc(v.severity)} · from ${esc(v.source)} · _${esc(v.statusLabel)}_${v.system ? ` · ${esc(v.system.ref)} ${esc(v.system.name)}` : ''}`,
    esc(v.description),
    `Owner: ${v.owner ? esc(v.owner.label) : 'none'} · raised ${esc(v.createdOn)}`,
    `*Containment:* ${v.containment ? esc(v.containment) : '—'}`,
    `*Root cause:* ${v.rootCause ? esc(v.rootCause) : '— (needed before actions are planned)'}`,
  ];
  if (v.actions.length === 0) lines.push('*Corrective actions:* none yet');
  else {
    lines.push('*Corrective actions:*');
    for (const a of v.actions) lines.push(`${STATUS_ICON[a.status] ?? ''} ${esc(a.ref)} ${esc(a.title)} · ${esc(a.assignee)} · due ${esc(a.dueDate)} · ${esc(a.status.replace('_', ' '))}`);
  }
  const effective = v.effective === null ? 'not verified' : v.effective ? `effective (${esc(v.verifiedBy ?? '')}, ${esc(v.verifiedOn ?? '')})` : `not effective (${esc(v.verifiedBy ?? '')}, ${esc(v.verifiedOn ?? '')}): reopened`;
  lines.push(`*Effectiveness:* ${v.effectivenessDue ? `check due ${esc(v.effectivenessDue)} · ` : ''}${effective}`);
  if (v.closedOn) lines.push(`Closed by ${esc(v.closedBy ?? 'someone')} on ${esc(v.closedOn)}`);
  return lines;
}

/** `/aims nc NC-7`. */
export function renderNc(v: NcView, note?: string): SlackMessage {
  const blocks: Block[] = [header(`Nonconformity ${v.ref}`), ...(note ? [context(esc(note))] : []), ...sectionsOf(ncLines(v))];
  const elements = [
    ...(v.can.containment ? [button(v.containment ? 'Update containment' : 'Containment', NC_ACTIONS.containment, v.ref)] : []),
    ...(v.can.rootCause ? [button(v.rootCause ? 'Update root cause' : 'Root cause', NC_ACTIONS.rootCause, v.ref)] : []),
    ...(v.can.addAction ? [button('Add action', NC_ACTIONS.addAction, v.ref, 'primary')] : []),
    ...(v.can.verify ? [button('Verify effectiveness', NC_ACTIONS.verify, v.ref, 'primary')] : []),
    ...(v.can.close ? [button('Close', NC_ACTIONS.close, v.ref, 'primary', { title: `Close ${v.ref}?`, text: `${esc(v.ref)} was verified effective; closing it ends its corrective action.`, ok: 'Close' })] : []),
  ];
  if (elements.length) blocks.push({ type: 'actions', block_id: `nc:${v.ref}`, elements });
  return { text: `Nonconformity ${esc(v.ref)} (${esc(v.statusLabel)})`, blocks };
}

function element(f: NcField): types.InputBlockElement {
  const base = { action_id: f.id };
  switch (f.kind) {
    case 'one':
      return { ...base, type: 'static_select', options: (f.options ?? []).map((o) => ({ text: plain(o.label, LIMITS.optionText), value: o.value })) };
    case 'person':
      return { ...base, type: 'users_select' };
    case 'date':
      return { ...base, type: 'datepicker' };
    case 'line':
      return { ...base, type: 'plain_text_input', max_length: flows.NC_TITLE_MAX };
    case 'text':
      return { ...base, type: 'plain_text_input', multiline: true, max_length: flows.NC_TEXT_MAX };
  }
}

/** The modal of a stage (callback id = the button id); `intro` is escaped mrkdwn. */
export function ncModal(id: string, meta: { ref?: string; channel?: string | undefined; key?: string }, intro?: string): types.ModalView {
  const fields = NC_MODAL_FIELDS[id] ?? [];
  return {
    type: 'modal',
    callback_id: id,
    title: plain(meta.ref ? `${TITLES[id]}: ${meta.ref}` : (TITLES[id] ?? 'Nonconformity'), LIMITS.modalTitle),
    submit: plain('Save', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks: [
      ...(intro ? [section(intro)] : []),
      ...fields.map((f) => ({ type: 'input', block_id: f.id, optional: !f.required, label: plain(f.label, LIMITS.label), hint: plain(f.help, LIMITS.hint), element: element(f) }) as Block),
    ],
  };
}

/** The answers of a submitted NC modal, by field id (a picked user as `slack:U…`). */
export function ncValues(id: string, state: Record<string, Record<string, unknown>>): flows.NcFormValues {
  const out: flows.NcFormValues = {};
  for (const f of NC_MODAL_FIELDS[id] ?? []) {
    // The one text of containment and root cause is also accepted under the generic id `text`.
    const el = (state[f.id]?.[f.id] ?? (f.kind === 'text' ? state['text']?.['text'] : undefined) ?? {}) as { value?: string | null; selected_option?: { value?: string } | null; selected_user?: string | null; selected_date?: string | null };
    if (f.kind === 'person') out[f.id] = el.selected_user ? `slack:${el.selected_user}` : '';
    else if (f.kind === 'date') out[f.id] = el.selected_date ?? '';
    else if (f.kind === 'one') out[f.id] = el.selected_option?.value ?? '';
    else out[f.id] = el.value ?? '';
  }
  return out;
}

/** The buttons a notice carries: the step it asks for (each checked again when clicked). */
export function noticeButtons(kind: string, stage: string | undefined): Array<{ title: string; action: string }> {
  if (kind === 'nc.assigned') return [{ title: 'Containment', action: NC_ACTIONS.containment }, { title: 'Root cause', action: NC_ACTIONS.rootCause }];
  if (kind === 'nc.verification_due' || stage === 'verification') return [{ title: 'Verify effectiveness', action: NC_ACTIONS.verify }];
  if (stage === 'containment') return [{ title: 'Containment', action: NC_ACTIONS.containment }];
  if (stage === 'root_cause') return [{ title: 'Root cause', action: NC_ACTIONS.rootCause }, { title: 'Add action', action: NC_ACTIONS.addAction }];
  if (stage === 'closure') return [{ title: 'Close', action: NC_ACTIONS.close }];
  return [];
}

/** A notice (`nc.assigned`, `nc.verification_due`, `nc.reminder`): its text and the buttons of the step it asks for. */
export function renderNcNotice(text: string, ref?: string, kind = '', stage?: string): SlackMessage {
  const blocks: Block[] = [section(`:mag: ${clip(esc(text), 2900)}`)];
  const elements = ref ? noticeButtons(kind, stage).map((b) => button(b.title, b.action, ref)) : [];
  if (elements.length) blocks.push({ type: 'actions', block_id: `nc-notice:${ref}`, elements });
  return { text: clip(esc(text), 3000), blocks };
}
