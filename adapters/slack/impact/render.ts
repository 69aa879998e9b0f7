/**
 * Slack renderings of the impact area: the impact modal (one multi-line input per question,
 * pre-filled answers saying where they come from), an inventory page with its "Next page"
 * button, the compliance dashboard blocks for the App Home, and the impact line under `show`.
 * User text goes through `esc`; plain-text labels and inputs need no escaping.
 */
import type { types } from '@slack/bolt';
import type { DashboardSection, ImpactForm, InventoryPage } from '../../../flows';
import { IMPACT_ANSWER_MAX } from '../../../flows';
import { unregisteredToolLine } from '../../../flows';
import type { Block } from '../blocks';
import { LIMITS, button, context, header, limitBlocks, plain, section, sectionsOf } from '../blocks';
import { clip, esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { systemLine } from '../render-system';

/** Callback id of the impact modal; its `private_metadata` is the system reference. */
export const IMPACT_CALLBACK = 'impact.submit';
/** Button ids: open the impact modal (from the "due again" message), and the inventory's next page. */
export const IMPACT_ACTIONS = { open: 'impact.open', inventoryPage: 'inventory.page' } as const;

/** The impact modal of a system. */
export function impactModal(form: ImpactForm): types.ModalView {
  const s = form.system;
  const intro =
    `*${s.ref}* ${esc(s.name)}: impact on individuals and groups (ISO/IEC 42001 A.5.4) and on society (A.5.5)` +
    (form.friaApplies ? ', and the fundamental rights impact assessment elements of EU AI Act Art. 27(1)(a)–(f).' : '.') +
    (form.previous ? ` The answers of ${esc(form.previous.ref)} are filled in.` : ' Answers triage already gave are filled in; change them as needed.');
  const blocks: Block[] = [section(intro)];
  for (const q of form.questions) {
    const pre = form.prefill[q.id];
    const prefix = q.group === 'art27' ? `Art. 27(1)(${q.point})` : q.group;
    blocks.push({
      type: 'input',
      block_id: q.id,
      label: plain(`${prefix} ${q.label}`, LIMITS.label),
      hint: plain(pre ? `${q.help} (Pre-filled ${pre.source}.)` : q.help, LIMITS.hint),
      element: {
        type: 'plain_text_input',
        action_id: q.id,
        multiline: true,
        max_length: IMPACT_ANSWER_MAX,
        ...(pre ? { initial_value: clip(pre.text, IMPACT_ANSWER_MAX) } : {}),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: IMPACT_CALLBACK,
    title: plain(`Impact ${s.ref}`, LIMITS.modalTitle),
    submit: plain('Save', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: s.ref,
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** One page of the inventory, with a "Next page" button carrying the next page's filter. */
export function renderInventory(p: InventoryPage, tz: string): SlackMessage {
  const head = `*Inventory*${p.filter ? ` (${esc(p.filter)})` : ''}: ${p.total} tool${p.total === 1 ? '' : 's'} · page ${p.page} of ${p.pages}`;
  const blocks: Block[] = [section(head), ...sectionsOf(p.systems.map((s) => systemLine(s, tz)))];
  if (p.unregistered?.length) blocks.push(...sectionsOf(p.unregistered.map((t) => `• ${esc(unregisteredToolLine(t, tz))}`)));
  if (p.note) blocks.push(context(esc(p.note)));
  if (p.next) blocks.push({ type: 'actions', block_id: 'inventory', elements: [button('Next page', IMPACT_ACTIONS.inventoryPage, clip(p.next, LIMITS.actionValue))] });
  return { text: `Inventory: ${p.total} tools, page ${p.page} of ${p.pages}`, blocks: limitBlocks(blocks) };
}

/** The compliance dashboard as App Home blocks. */
export function dashboardBlocks(sections: DashboardSection[]): Block[] {
  const out: Block[] = [];
  for (const s of sections) {
    out.push(header(s.title));
    out.push(...(s.lines.length ? sectionsOf(s.lines.map(esc)) : [context(esc(s.empty))]));
    if (s.more) out.push(context(esc(s.more)));
  }
  return out;
}

/** `show` with the impact line under it. */
export function withImpactLine(m: SlackMessage, line: string | null): SlackMessage {
  return line ? { text: m.text, blocks: limitBlocks([...m.blocks, context(esc(line))]) } : m;
}
