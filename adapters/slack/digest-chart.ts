/**
 * The weekly digest's chart in Slack: a PNG (inventory by class and status, and its trend)
 * uploaded into the digest's thread, recorded against the notification so a retry does not upload
 * it twice. When the chart cannot be rendered the digest goes out without it (logged).
 */
import type { OutboxRow, StoredMessage, WeeklyDigestPayload } from '../../flows';
import { digestChartPng } from '../../flows';
import type { SlackDelivererDeps } from './deliverer';
import { recordPosted } from './job-targets';

/** Uploads the chart into the digest's thread unless an earlier attempt did. */
export async function uploadDigestChart(
  d: SlackDelivererDeps,
  row: OutboxRow,
  p: Partial<WeeklyDigestPayload>,
  message: { conversationId: string; messageId: string },
  already: readonly StoredMessage[],
  subjectType: string,
  adopt: (target: { channel: string; threadTs: string }, filename: string) => Promise<string | null>,
): Promise<void> {
  if (already.some((m) => m.role === 'chart') || !p.digest) return;
  const asOf = new Date(p.digest.periodEnd);
  let png: Buffer;
  let filename: string;
  try {
    const chart = await digestChartPng(d.deps.db, row.workspaceId, Number.isNaN(asOf.getTime()) ? d.deps.clock.now() : asOf, d.deps.policy.organization.timezone);
    png = chart.png;
    filename = `ai-inventory-chart-${p.digest.periodEnd.slice(0, 10)}.png`;
  } catch (err) {
    d.logger?.warn({ err, notification: row.id }, 'slack: the digest chart could not be rendered; the digest goes without it');
    return;
  }
  // An earlier attempt may have uploaded it without recording it.
  const adopted = await adopt({ channel: message.conversationId, threadTs: message.messageId }, filename);
  const fileId = adopted ?? (await upload(d, message, png, filename));
  await recordPosted(d.deps, row, { role: 'chart', conversationId: message.conversationId, messageId: fileId, threadId: message.messageId }, [], subjectType);
}

async function upload(d: SlackDelivererDeps, message: { conversationId: string; messageId: string }, png: Buffer, filename: string): Promise<string> {
  const uploaded = await d.client.filesUploadV2({
    channel_id: message.conversationId,
    thread_ts: message.messageId,
    file: png,
    filename,
    title: 'AI inventory by risk class and status, and its trend',
  });
  return (uploaded as { files?: Array<{ files?: Array<{ id?: string }> }> }).files?.[0]?.files?.[0]?.id ?? 'unknown';
}
