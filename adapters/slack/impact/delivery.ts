/**
 * Delivery of `impact.due`: the owner of a re-triaged system is asked, in a DM, to assess its
 * impact again, with a button that opens the impact modal. Recorded, so a retry never posts twice.
 */
import type { DeliveryResult, ImpactDuePayload, OutboxRow } from '../../../flows';
import { loadSystemView } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { button, section } from '../blocks';
import { deliverDmNotice } from '../dm-notice';
import { recipientOf } from '../job-targets';
import { esc } from '../mrkdwn';
import { IMPACT_ACTIONS } from './render';

/** `impact.due`: the prompt in the owner's DM. */
export async function deliverImpactDue(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<ImpactDuePayload>;
  const person = recipientOf(row).person;
  if (typeof p.systemId !== 'number' || typeof p.text !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  const { systemId, text } = p;
  return deliverDmNotice(d, row, person, 'impact', async () => {
    const system = await loadSystemView(d.deps.db, row.workspaceId, systemId);
    if (!system || system.status === 'retired') return null;
    return {
      text,
      blocks: [section(`:scales: ${esc(text)}`), { type: 'actions' as const, block_id: 'impact', elements: [button('Assess impact', IMPACT_ACTIONS.open, system.ref, 'primary')] }],
    };
  });
}
