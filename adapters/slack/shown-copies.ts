/**
 * What each approval message this process posted or updated last showed, so an update that
 * would show the same again is not sent. A decision changes the parent and its own step; the
 * other step replies of the thread usually read the same, and `chat.update` is a Tier 3 method
 * (about 50 a minute per workspace), so updating every copy on every decision would soon be
 * throttled. Only the deliverer changes approval messages and their state only moves forward, so
 * a copy that renders as it was last sent shows that already; a copy this process has not sent
 * (another replica did, or it restarted) is simply updated. Bounded: the oldest entries go first.
 */
import { createHash } from 'node:crypto';
import type { SlackMessage } from './render-request';

export class ShownCopies {
  private readonly shown = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  /** True when the message at `channel`/`ts` was last sent by this process as `msg`. */
  same(channel: string, ts: string, msg: SlackMessage): boolean {
    return this.shown.get(`${channel}/${ts}`) === digest(msg);
  }

  /** Records that `channel`/`ts` now shows `msg`. */
  remember(channel: string, ts: string, msg: SlackMessage): void {
    const key = `${channel}/${ts}`;
    this.shown.delete(key);
    this.shown.set(key, digest(msg));
    if (this.shown.size > this.max) this.shown.delete(this.shown.keys().next().value!);
  }

  /** Forgets a copy (an update of it failed: what it shows is no longer known). */
  forget(channel: string, ts: string): void {
    this.shown.delete(`${channel}/${ts}`);
  }
}

function digest(msg: SlackMessage): string {
  return createHash('sha256').update(JSON.stringify([msg.text, msg.blocks ?? null])).digest('base64');
}
