/**
 * `digest.weekly` in Slack: the Block Kit digest in the digest channel, then the inventory CSV
 * as a file in the digest's thread (Slack's external upload flow: files.getUploadURLExternal,
 * the bytes to the returned URL, files.completeUploadExternal). Both steps are recorded against
 * the notification, so a retry after the upload was rate limited uploads the CSV without
 * posting the digest again.
 */
import type { DeliveryResult, OutboxRow, WeeklyDigestPayload } from '../../flows';
import { digestInventoryCsv } from '../../flows';
import { noteCheckpointPost } from './checkpoint-delivery';
import { uploadDigestChart } from './digest-chart';
import type { SlackDelivererDeps } from './deliverer';
import { policyChannel, postedFor, recordPosted } from './job-targets';
import { postOnce } from './post-once';
import { renderDigest } from './render-digest';

/** Subject type of a posted digest's copies (subject id = the outbox row id). */
export const DIGEST_SUBJECT = 'digest';

/** Delivers one weekly digest. */
export async function deliverDigest(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<WeeklyDigestPayload>;
  if (!p.digest || typeof p.digest !== 'object') return { ok: false, permanent: true, error: 'digest.weekly: malformed payload' };
  const already = await postedFor(d.deps, row, DIGEST_SUBJECT);
  let message = already.find((m) => m.role === 'digest');
  const post = postOnce(d, row);
  if (!message) {
    const where = await policyChannel(d.deps, 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    const msg = renderDigest(p.digest);
    const r = await post({ channel: where.channel }, msg);
    const copy = { role: 'digest', conversationId: r.channel, messageId: r.ts };
    await recordPosted(d.deps, row, copy, [], DIGEST_SUBJECT);
    message = { ...copy, id: 0, workspaceId: row.workspaceId, subjectType: DIGEST_SUBJECT, subjectId: row.id, platform: 'slack', threadId: null, stepId: null, createdAt: d.deps.clock.now() };
  }
  await noteCheckpointPost(d, row, message);
  if (!already.some((m) => m.role === 'csv')) await uploadCsv(d, row, p, message, post);
  // The chart follows the CSV; the digest goes without it when it cannot be rendered.
  await uploadDigestChart(d, row, p, message, already, DIGEST_SUBJECT, post.uploaded);
  return { ok: true };
}

/** Uploads the inventory CSV into the digest's thread (adopting an earlier attempt's upload) and records it. */
async function uploadCsv(
  d: SlackDelivererDeps,
  row: OutboxRow,
  p: Partial<WeeklyDigestPayload>,
  message: { conversationId: string; messageId: string },
  post: ReturnType<typeof postOnce>,
): Promise<void> {
  const csv = await digestInventoryCsv(d.deps.db, p);
  if (!csv) return;
  const filename = typeof p.csvName === 'string' && p.csvName ? p.csvName : 'ai-inventory.csv';
  // An earlier attempt may have uploaded it without recording it.
  const adopted = await post.uploaded({ channel: message.conversationId, threadTs: message.messageId }, filename);
  const fileId = adopted ?? (await upload(d, message, csv, filename));
  await recordPosted(d.deps, row, { role: 'csv', conversationId: message.conversationId, messageId: fileId, threadId: message.messageId }, [], DIGEST_SUBJECT);
}

/** Uploads the CSV into the digest's thread; returns the file id. */
async function upload(d: SlackDelivererDeps, message: { conversationId: string; messageId: string }, csv: string, filename: string): Promise<string> {
  const uploaded = await d.client.filesUploadV2({
    channel_id: message.conversationId,
    thread_ts: message.messageId,
    content: csv,
    filename,
    title: `AI inventory (${filename})`,
    initial_comment: 'The AI system inventory as CSV.',
  });
  const completed = (uploaded as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
  return completed[0]?.files?.[0]?.id ?? 'unknown';
}
