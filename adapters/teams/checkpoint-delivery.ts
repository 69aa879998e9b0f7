/**
 * `audit.checkpoint` in Teams: the checkpoint card in the digest channel (falling back to the
 * approvals channel, as the digest does), recorded against the notification so a retry never
 * posts it twice, and as the checkpoint's location (conversation and activity id).
 */
import type { DeliveryResult, FlowDeps, OutboxRow } from '../../flows';
import { checkpointOf, checkpointPosted, messagesOf, recordMessage } from '../../flows';
import { cardAttachment } from './card-kit';
import { checkpointCard } from './checkpoint-card';
import type { TeamsTransport } from './teams-transport';

/** One-off posts are recorded against their notification row: this subject type. */
const NOTIFICATION = 'notification';

/** Delivers one checkpoint. */
export async function deliverCheckpoint(opts: { deps: FlowDeps; transport: TeamsTransport }, row: OutboxRow): Promise<DeliveryResult> {
  const { deps, transport } = opts;
  const checkpoint = checkpointOf(row.payload);
  if (!checkpoint) return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  const [earlier] = await messagesOf(deps.db, row.workspaceId, NOTIFICATION, row.id, { platform: 'teams', role: row.kind });
  let posted = earlier ? { conversationId: earlier.conversationId, messageId: earlier.messageId } : null;
  if (!posted) {
    const channel = await transport.digestChannel(row.workspaceId);
    const messageId = await transport.send(channel.ref, {
      type: 'message',
      summary: `Audit trail checkpoint: event ${checkpoint.seq}`,
      attachments: [cardAttachment(checkpointCard(checkpoint))],
    });
    posted = { conversationId: channel.id, messageId };
    await recordMessage(
      deps.db,
      { workspaceId: row.workspaceId, subjectType: NOTIFICATION, subjectId: row.id, platform: 'teams', role: row.kind, ...posted },
      deps.clock.now(),
    );
  }
  await noteCheckpointPost(deps, row, posted);
  return { ok: true };
}

/** Records where the checkpoint a notification carries (if any) went; later posts keep the first. */
export async function noteCheckpointPost(deps: FlowDeps, row: OutboxRow, posted: { conversationId: string; messageId: string }): Promise<void> {
  const checkpoint = checkpointOf(row.payload);
  if (!checkpoint) return;
  await checkpointPosted(deps.db, checkpoint.id, { platform: 'teams', ...posted }, deps.clock.now());
}
