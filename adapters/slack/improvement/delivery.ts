/**
 * Delivery of the NC notices (`nc.assigned`, `nc.verification_due`, `nc.reminder`): to the
 * person's DM, or to the digest channel where compliance reads. Posted once: a retry or a
 * re-claimed row adopts the earlier post.
 */
import type { DeliveryResult, OutboxRow } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { personUserId, policyChannel, postedFor, recipientOf, recordPosted } from '../job-targets';
import { postOnce } from '../post-once';
import { renderNcNotice } from './render';

/** Delivers an `nc.*` notification; null for other kinds. */
export async function deliverNcNotice(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult | null> {
  if (!row.kind.startsWith('nc.')) return null;
  const p = row.payload as { text?: unknown; ref?: unknown; stage?: unknown };
  if (typeof p.text !== 'string') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const to = recipientOf(row);
  let channel: string;
  if (typeof to.person === 'number') {
    const user = await personUserId(d.deps, to.person);
    if (!user) return { ok: false, permanent: true, error: 'slack: the recipient is not a Slack user' };
    channel = await d.directory.dmChannel(user);
  } else {
    const where = await policyChannel(d.deps, 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    channel = where.channel;
  }
  const posted = await postOnce(d, row)({ channel }, renderNcNotice(p.text, typeof p.ref === 'string' ? p.ref : undefined, row.kind, typeof p.stage === 'string' ? p.stage : undefined));
  await recordPosted(d.deps, row, { role: 'nc', conversationId: posted.channel, messageId: posted.ts });
  return { ok: true };
}
