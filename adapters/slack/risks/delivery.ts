/**
 * Delivery of the risk notifications in the recipient's DM: `risk.assess_prompt` with the
 * `risk.assess` button, `risk.acceptance_requested` with the `risk.accept_residual` button.
 * Recorded, so a retry never posts twice.
 */
import type { DeliveryResult, OutboxRow } from '../../../flows';
import type { Block } from '../blocks';
import { button, section } from '../blocks';
import type { SlackDelivererDeps } from '../deliverer';
import { personUserId, postedFor, recipientOf, recordPosted } from '../job-targets';
import { esc } from '../mrkdwn';
import { postOnce } from '../post-once';
import { RISK_ACTIONS } from './render';

/** Posts a risk notification to the person it is for. */
export async function deliverRiskNotice(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as { text?: unknown; ref?: unknown; riskRef?: unknown };
  const person = recipientOf(row).person;
  const prompt = row.kind === 'risk.assess_prompt';
  const value = prompt ? p.ref : p.riskRef;
  if (typeof p.text !== 'string' || typeof value !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the recipient is not a Slack user' };
  const blocks: Block[] = [
    section(`${prompt ? ':clipboard:' : ':scales:'} ${esc(p.text)}`),
    {
      type: 'actions',
      block_id: 'risk',
      elements: [
        prompt
          ? button('Assess the risks', RISK_ACTIONS.assess, value, 'primary')
          : button('Accept residual risk', RISK_ACTIONS.accept, value, 'primary'),
      ],
    },
  ];
  const channel = await d.directory.dmChannel(user);
  const r = await postOnce(d, row)({ channel }, { text: esc(p.text), blocks });
  await recordPosted(d.deps, row, { role: 'risk', conversationId: r.channel, messageId: r.ts }, []);
  return { ok: true };
}
