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
import { personUserId, postedFor, recipientOf, recordPosted } from './job-targets';
import { esc } from './mrkdwn';
import { postOnce } from './post-once';

/** `triage.retriage_needed`: the re-triage prompt in the owner's DM. */
export async function deliverRetriagePrompt(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as RetriagePromptPayload;
  const person = recipientOf(row).person;
  if (typeof p.systemId !== 'number' || typeof p.text !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const system = await loadSystemView(d.deps.db, row.workspaceId, p.systemId);
  if (!system || system.status === 'retired') return { ok: true };
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the owner is not a Slack user' };
  const blocks: Block[] = [section(`:arrows_counterclockwise: ${esc(p.text)}`)];
  if (system.status === 'approved') {
    blocks.push({ type: 'actions', block_id: 'retriage', elements: [button('Update answers', 'review.update', system.ref, 'primary')] });
  }
  const channel = await d.directory.dmChannel(user);
  // Through the outbox's poster: the message carries its dedupe key, so a re-claimed row adopts an
  // earlier attempt's copy instead of posting again.
  const r = await postOnce(d, row)({ channel }, { text: esc(p.text), blocks });
  await recordPosted(d.deps, row, { role: 'retriage', conversationId: r.channel, messageId: r.ts }, []);
  return { ok: true };
}
