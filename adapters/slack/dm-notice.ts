/**
 * A notice with its buttons in a person's DM, posted once: the shared path of the prompts the
 * outbox sends to one person (re-triage needed, impact due, assess the risks, accept a residual
 * risk). A copy already recorded ends it; the message carries the row's dedupe key, so a
 * re-claimed row adopts an earlier attempt's post instead of posting again.
 */
import type { DeliveryResult, OutboxRow } from '../../flows';
import type { Block } from './blocks';
import type { SlackDelivererDeps } from './deliverer';
import { personUserId, postedCopies, postedFor } from './job-targets';
import { esc } from './mrkdwn';
import { postOnce } from './post-once';

/** What to post; null when there is nothing to say any more (e.g. the system was retired). */
export type DmNotice = { text: string; blocks: Block[] } | null;

/** Posts `notice()` to `person`'s DM unless this row was posted already; `role` names the copy. */
export async function deliverDmNotice(d: SlackDelivererDeps, row: OutboxRow, person: number, role: string, notice: () => Promise<DmNotice>): Promise<DeliveryResult> {
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const message = await notice();
  if (!message) return { ok: true };
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the recipient is not a Slack user' };
  const channel = await d.directory.dmChannel(user);
  const r = await postOnce(d, row)({ channel }, { text: esc(message.text), blocks: message.blocks });
  // Recorded by the outbox together with the `sent` mark.
  return { ok: true, copies: postedCopies(row, { role, conversationId: r.channel, messageId: r.ts }) };
}
