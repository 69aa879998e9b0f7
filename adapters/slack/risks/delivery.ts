/**
 * Delivery of the risk notifications in the recipient's DM: `risk.assess_prompt` with the
 * `risk.assess` button, `risk.acceptance_requested` with the `risk.accept_residual` button.
 * Recorded, so a retry never posts twice.
 */
import type { DeliveryResult, OutboxRow } from '../../../flows';
import { button, section } from '../blocks';
import type { SlackDelivererDeps } from '../deliverer';
import { deliverDmNotice } from '../dm-notice';
import { recipientOf } from '../job-targets';
import { esc } from '../mrkdwn';
import { RISK_ACTIONS } from './render';

/** Posts a risk notification to the person it is for. */
export async function deliverRiskNotice(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as { text?: unknown; ref?: unknown; riskRef?: unknown };
  const person = recipientOf(row).person;
  const prompt = row.kind === 'risk.assess_prompt';
  const value = prompt ? p.ref : p.riskRef;
  const text = p.text;
  if (typeof text !== 'string' || typeof value !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  const action = prompt ? button('Assess the risks', RISK_ACTIONS.assess, value, 'primary') : button('Accept residual risk', RISK_ACTIONS.accept, value, 'primary');
  return deliverDmNotice(d, row, person, 'risk', async () => ({
    text,
    blocks: [section(`${prompt ? ':clipboard:' : ':scales:'} ${esc(text)}`), { type: 'actions', block_id: 'risk', elements: [action] }],
  }));
}
