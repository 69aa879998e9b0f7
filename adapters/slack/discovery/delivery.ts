/**
 * Delivery of `discovery.nudge`: an ephemeral message to the author in the channel where they
 * mentioned an unregistered catalog tool, with the `discovery.register` button. Ephemeral
 * messages cannot be read back, so there is no copy to record; the flow already made sure the
 * person hears about the tool at most once per 30 days.
 */
import type { DeliveryResult, DiscoveryNudgePayload, OutboxRow } from '../../../flows';
import type { Block } from '../blocks';
import { button, section } from '../blocks';
import type { SlackDelivererDeps } from '../deliverer';
import { personUserId, recipientOf } from '../job-targets';
import { esc } from '../mrkdwn';

/** The button's action id (handled by the registration of discovered tools). */
export const DISCOVERY_REGISTER = 'discovery.register';

/** The nudge's blocks: the sentence and the register button. */
export function renderNudge(p: Pick<DiscoveryNudgePayload, 'tool' | 'name' | 'text'>): { text: string; blocks: Block[] } {
  return {
    text: esc(p.text),
    blocks: [
      section(`:mag: ${esc(p.text)}`),
      { type: 'actions', block_id: 'discovery', elements: [button(`Register ${p.name}`, DISCOVERY_REGISTER, JSON.stringify({ tool: p.tool }), 'primary')] },
    ],
  };
}

/** `discovery.nudge`: the ephemeral nudge in the channel of the mention. */
export async function deliverDiscoveryNudge(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<DiscoveryNudgePayload>;
  const person = recipientOf(row).person;
  if (typeof p.tool !== 'string' || typeof p.name !== 'string' || typeof p.text !== 'string' || typeof p.channel !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the recipient is not a Slack user' };
  const msg = renderNudge({ tool: p.tool, name: p.name, text: p.text });
  await d.client.chat.postEphemeral({ channel: p.channel, user, text: msg.text, blocks: msg.blocks });
  return { ok: true };
}
