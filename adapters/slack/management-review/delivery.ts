/**
 * `management_review.pack` in Slack: a message with the pack's summary in the compliance (digest)
 * channel, then in its thread the Markdown document, the PDF and the chart PNGs, each uploaded
 * with Slack's external upload flow (files.getUploadURLExternal, the bytes, then
 * files.completeUploadExternal). Every step is recorded against the notification, so a retry
 * after a rate-limited upload uploads only what is missing and never posts the message twice.
 */
import type { DeliveryResult, ManagementReviewPayload, OutboxRow } from '../../../flows';
import { managementReviewById, managementReviewFiles } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { policyChannel, postedFor, recordPosted } from '../job-targets';
import { esc } from '../mrkdwn';
import { postOnce } from '../post-once';
import type { SlackMessage } from '../render-request';

/** Subject type of a posted pack's copies (subject id = the outbox row id). */
export const PACK_SUBJECT = 'management_review';

/** The summary message of a pack. */
export function renderPackMessage(ref: string, summary: string): SlackMessage {
  const lines = summary.split('\n');
  const text = `Management review pack ${ref}`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.slice(1).map((l) => `• ${esc(l)}`).join('\n').slice(0, 2900) || esc(lines[0] ?? '') } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: esc(`The pack (Markdown and PDF) and its charts are in this thread. Record decisions with /aims management-review decide ${ref} <decision>; mark it held with /aims management-review held ${ref} @attendees.`) }],
      },
    ],
  };
}

/** Delivers one pack. */
export async function deliverManagementReview(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<ManagementReviewPayload>;
  if (typeof p.reviewId !== 'number') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  const review = await managementReviewById(d.deps.db, row.workspaceId, p.reviewId);
  if (!review) return { ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` };
  const files = await managementReviewFiles(d.deps.db, review);
  const already = await postedFor(d.deps, row, PACK_SUBJECT);
  let message = already.find((m) => m.role === 'pack');
  const post = postOnce(d, row);
  if (!message) {
    const where = await policyChannel(d.deps, 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    const r = await post({ channel: where.channel }, renderPackMessage(files.ref, files.summary));
    const copy = { role: 'pack', conversationId: r.channel, messageId: r.ts };
    await recordPosted(d.deps, row, copy, [], PACK_SUBJECT);
    message = { ...copy, id: 0, workspaceId: row.workspaceId, subjectType: PACK_SUBJECT, subjectId: row.id, platform: 'slack', threadId: null, stepId: null, createdAt: d.deps.clock.now() };
  }
  const uploads: Array<{ name: string; title: string; bytes: Buffer }> = [
    { name: files.pdfName, title: `Management review ${files.ref} (PDF)`, bytes: files.pdf },
    { name: files.markdownName, title: `Management review ${files.ref} (Markdown)`, bytes: Buffer.from(files.markdown, 'utf8') },
    ...files.charts.map((c) => ({ name: c.fileName, title: c.title, bytes: c.png })),
  ];
  for (const f of uploads) {
    const role = `file:${f.name}`;
    if (already.some((m) => m.role === role)) continue;
    const target = { channel: message.conversationId, threadTs: message.messageId };
    const adopted = await post.uploaded(target, f.name);
    const fileId = adopted ?? (await upload(d, target, f));
    await recordPosted(d.deps, row, { role, conversationId: message.conversationId, messageId: fileId, threadId: message.messageId }, [], PACK_SUBJECT);
  }
  return { ok: true };
}

async function upload(d: SlackDelivererDeps, target: { channel: string; threadTs: string }, f: { name: string; title: string; bytes: Buffer }): Promise<string> {
  const uploaded = await d.client.filesUploadV2({ channel_id: target.channel, thread_ts: target.threadTs, file: f.bytes, filename: f.name, title: f.title });
  const completed = (uploaded as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
  return completed[0]?.files?.[0]?.id ?? 'unknown';
}
