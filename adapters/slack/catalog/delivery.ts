/** Delivery of `system.owner_transferred`: the new owner is told in a DM, once. */
import type { DeliveryResult, OutboxRow, OwnerTransferredPayload } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { section } from '../blocks';
import { deliverDmNotice } from '../dm-notice';
import { recipientOf } from '../job-targets';
import { esc } from '../mrkdwn';

/** `system.owner_transferred`: the notice in the new owner's DM. */
export async function deliverOwnerTransferred(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<OwnerTransferredPayload>;
  const person = recipientOf(row).person;
  if (typeof p.text !== 'string' || typeof person !== 'number') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  const text = p.text.replace(/See it with: show (AI-\d+)$/, 'See it with /aims show $1');
  return deliverDmNotice(d, row, person, 'owner', async () => ({ text, blocks: [section(`:handshake: ${esc(text)}`)] }));
}
