/**
 * Delivery of `triage.retriage_needed`: the owner of a system assessed with questionnaire v1 is
 * asked, in a DM, to answer the triage again; an approved system's message carries the
 * "Update answers" button of the review card. Recorded, so a retry never posts twice.
 */
import type { DeliveryResult, OutboxRow, RetriagePromptPayload } from '../../flows';
import { loadSystemView } from '../../flows';
import type { SlackDelivererDeps } from './deliverer';
import type { Block } from './blocks';
import { button, section } from './blocks';
import { deliverDmNotice } from './dm-notice';
import { recipientOf } from './job-targets';
import { esc } from './mrkdwn';

/** `triage.retriage_needed`: the re-triage prompt in the owner's DM. */
export async function deliverRetriagePrompt(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as RetriagePromptPayload;
  const person = recipientOf(row).person;
  if (typeof p.systemId !== 'number' || typeof p.text !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  return deliverDmNotice(d, row, person, 'retriage', async () => {
    const system = await loadSystemView(d.deps.db, row.workspaceId, p.systemId);
    if (!system || system.status === 'retired') return null;
    const blocks: Block[] = [section(`:arrows_counterclockwise: ${esc(p.text)}`)];
    if (system.status === 'approved') {
      blocks.push({ type: 'actions', block_id: 'retriage', elements: [button('Update answers', 'review.update', system.ref, 'primary')] });
    }
    return { text: p.text, blocks };
  });
}
