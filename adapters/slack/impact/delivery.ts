/**
 * Delivery of `impact.due`: the owner of a re-triaged system is asked, in a DM, to assess its
 * impact again, with a button that opens the impact modal. Recorded, so a retry never posts twice.
 */
import type { DeliveryResult, ImpactDuePayload, OutboxRow } from '../../../flows';
import { loadSystemView } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { button, section } from '../blocks';
import { personUserId, postedFor, recipientOf, recordPosted } from '../job-targets';
import { esc } from '../mrkdwn';
import { postOnce } from '../post-once';
import { IMPACT_ACTIONS } from './render';

/** `impact.due`: the prompt in the owner's DM. */
export async function deliverImpactDue(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<ImpactDuePayload>;
  const person = recipientOf(row).person;
  if (typeof p.systemId !== 'number' || typeof p.text !== 'string' || typeof person !== 'number') {
    return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  }
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const system = await loadSystemView(d.deps.db, row.workspaceId, p.systemId);
  if (!system || system.status === 'retired') return { ok: true };
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the owner is not a Slack user' };
  const blocks = [
    section(`:scales: ${esc(p.text)}`),
    { type: 'actions' as const, block_id: 'impact', elements: [button('Assess impact', IMPACT_ACTIONS.open, system.ref, 'primary')] },
  ];
  const channel = await d.directory.dmChannel(user);
  const r = await postOnce(d, row)({ channel }, { text: esc(p.text), blocks });
  await recordPosted(d.deps, row, { role: 'impact', conversationId: r.channel, messageId: r.ts }, []);
  return { ok: true };
}
