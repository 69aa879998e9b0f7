/**
 * `audit.checkpoint` in Slack: the checkpoint message in the digest channel, recorded against the
 * notification (so a retry never posts it twice) and as the checkpoint's location.
 */
import type { DeliveryResult, OutboxRow } from '../../flows';
import { checkpointOf, checkpointPosted } from '../../flows';
import type { SlackDelivererDeps } from './deliverer';
import { policyChannel, postedFor, recordPosted } from './job-targets';
import { postOnce } from './post-once';
import { renderCheckpoint } from './render-checkpoint';

/** Delivers one checkpoint. */
export async function deliverCheckpoint(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const checkpoint = checkpointOf(row.payload);
  if (!checkpoint) return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  let posted = (await postedFor(d.deps, row)).find((m) => m.role === 'checkpoint');
  if (!posted) {
    const where = await policyChannel(d.deps, 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    const msg = renderCheckpoint(checkpoint, d.deps.policy.organization.timezone);
    // Through the outbox's poster: the message carries its dedupe key, and a re-claimed row adopts
    // the copy an earlier attempt posted instead of posting a second one.
    const r = await postOnce(d, row)({ channel: where.channel }, msg);
    const copy = { role: 'checkpoint', conversationId: r.channel, messageId: r.ts };
    await recordPosted(d.deps, row, copy);
    posted = { ...copy, id: 0, workspaceId: row.workspaceId, subjectType: 'notification', subjectId: row.id, platform: 'slack', threadId: null, stepId: null, createdAt: d.deps.clock.now() };
  }
  await noteCheckpointPost(d, row, posted);
  return { ok: true };
}

/** Records where the checkpoint a notification carries (if any) went; later posts keep the first. */
export async function noteCheckpointPost(d: SlackDelivererDeps, row: OutboxRow, posted: { conversationId: string; messageId: string }): Promise<void> {
  const checkpoint = checkpointOf(row.payload);
  if (!checkpoint) return;
  await checkpointPosted(d.deps.db, checkpoint.id, { platform: 'slack', conversationId: posted.conversationId, messageId: posted.messageId }, d.deps.clock.now());
}
