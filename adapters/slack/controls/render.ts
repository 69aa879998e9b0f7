/** Block Kit for the control register (`/aims controls`), the `control.edit` modal and the SoA message. */
import type { types } from '@slack/bolt';
import type { ControlEntry, ControlsPage, EditableControl, SoaDocument } from '../../../flows';
import { CONTROL_EDIT_FIELDS, CONTROL_STATUS_LABEL } from '../../../flows';
import type { Block } from '../blocks';
import { button, context, LIMITS, limitBlocks, plain, section } from '../blocks';
import { esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** Action and view ids (aims.md). */
export const CONTROL_EDIT = 'control.edit';
export const SOA_APPROVE = 'soa.approve';

/** One control as mrkdwn lines. */
function controlText(e: ControlEntry): string {
  const flag = e.justification_needed ? ' · :warning: *justification needed*' : '';
  const owner = e.owner ? ` · owner ${esc(e.owner)}` : '';
  const planned = e.planned_systems.length ? `\nPlanned: ${e.planned_systems.map((s) => `${s.ref} ${esc(s.name)}`).join(', ')}` : '';
  const why = e.justification ? `\n${esc(e.justification)}` : '';
  return `*${e.control}* ${esc(e.title)} — ${e.applicable ? 'applicable' : 'not applicable'} · ${CONTROL_STATUS_LABEL[e.status]}${owner}${flag}${why}${planned}`;
}

/** A page of the register, each control with its Edit button. */
export function renderControlsPage(p: ControlsPage): SlackMessage {
  const c = p.counts;
  const head = `*Control register* — ${c.controls} controls, ${c.applicable} applicable, ${c.implemented} implemented, ${c.justificationNeeded} need a justification`;
  const blocks: Block[] = [section(head), context(`${p.filter}: ${p.total} · page ${p.page} of ${p.pages}`)];
  for (const e of p.entries) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: controlText(e).slice(0, LIMITS.sectionText) }, accessory: button('Edit', CONTROL_EDIT, e.control) });
  }
  if (!p.entries.length) blocks.push(section('No control matches.'));
  const next = p.page < p.pages ? `Next page: \`/aims controls ${p.filter === 'all' ? '' : `${p.filter} `}${p.page + 1}\` · ` : '';
  blocks.push(context(`${next}Add one: \`/aims controls add &lt;title&gt;\``));
  return { text: `Control register, page ${p.page} of ${p.pages}`, blocks: limitBlocks(blocks) };
}

const option = (value: string, label: string): types.PlainTextOption => ({ text: plain(label, LIMITS.optionText), value });

/** The `control.edit` modal, prefilled with the control's current values. */
export function controlEditView(found: EditableControl, channel: string | undefined): types.ModalView {
  const { entry, current } = found;
  const input = (id: string, label: string, element: types.InputBlockElement, optional: boolean, hint: string): Block => ({
    type: 'input',
    block_id: id,
    label: plain(label, LIMITS.label),
    optional,
    ...(hint ? { hint: plain(hint, LIMITS.hint) } : {}),
    element,
  });
  const blocks: Block[] = [section(controlText(entry))];
  for (const f of CONTROL_EDIT_FIELDS) {
    if (f.kind === 'choice') {
      const options = (f.choices ?? []).map((c) => option(c.value, c.label));
      const value = f.id === 'status' ? current.status : current.applicable;
      const initial = options.find((o) => o.value === value);
      blocks.push(input(f.id, f.label, { type: 'static_select', action_id: f.id, options, ...(initial ? { initial_option: initial } : {}) }, f.optional, f.hint));
    } else if (f.kind === 'person') {
      const uid = current.owner?.startsWith('slack:') ? current.owner.slice(6) : undefined;
      blocks.push(input(f.id, f.label, { type: 'users_select', action_id: f.id, ...(uid ? { initial_user: uid } : {}) }, true, f.hint));
    } else {
      const initial = f.id === 'evidence' ? current.evidence.join('\n') : (current.justification ?? '');
      blocks.push(input(f.id, f.label, { type: 'plain_text_input', action_id: f.id, multiline: true, max_length: f.id === 'evidence' ? 3000 : 2000, ...(initial ? { initial_value: initial } : {}) }, true, f.hint));
    }
  }
  return {
    type: 'modal',
    callback_id: CONTROL_EDIT,
    title: plain(`Edit ${entry.control}`, LIMITS.modalTitle),
    submit: plain('Save', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ control: entry.control, channel }),
    blocks,
  };
}

/** The message that comes with the SoA file: counts, status against the last version, the Approve button. */
export function renderSoaMessage(draft: SoaDocument, latest: SoaDocument | null): SlackMessage {
  const c = draft.snapshot.controls;
  const same = latest?.hash === draft.hash;
  const lines = [
    `*Statement of Applicability* — ${esc(draft.snapshot.organisation)}`,
    `${c.filter((e) => e.applicable).length} of ${c.length} controls applicable · ${c.filter((e) => e.justification_needed).length} need a justification`,
    latest ? (same ? `Unchanged since *${latest.version}* (approved by ${esc(latest.approved_by ?? '')} on ${latest.approved_at?.slice(0, 10)}).` : `Changed since *${latest.version}*.`) : 'No version approved yet.',
  ];
  const blocks: Block[] = [section(lines.join('\n')), context(`SHA-256 \`${draft.hash}\``)];
  if (!same) {
    blocks.push({
      type: 'actions',
      block_id: SOA_APPROVE,
      elements: [button('Approve this version', SOA_APPROVE, draft.hash, 'primary', { title: 'Approve the SoA?', text: 'This freezes the statement as the next SoA version, with its hash in the audit trail.', ok: 'Approve' })],
    });
  }
  return { text: 'Statement of Applicability', blocks };
}
