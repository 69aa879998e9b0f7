/**
 * Opt-in channel discovery on Slack. With policy `discovery.listen` off (the default) a `message`
 * event is dropped before anything else looks at it: not recorded, not parsed, no handler runs.
 * With it on, a new message by a person in a public or private channel the bot is in (not a DM,
 * not an edit, join or bot message; thread replies and messages sharing a file count) is read for catalog tools; the flow
 * queues at most one nudge per person and tool per 30 days, delivered as an ephemeral message.
 * The work runs behind Bolt's ack (events are acknowledged before listeners run) and inside the
 * work gate; Slack's retries are dropped by the event-id check. Nothing of the text is logged.
 */
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import * as flows from '../../../flows';
import type { SlackRuntime } from '../runtime';
import { slackContext } from '../runtime';

/** Subtypes that are a person's new message (a thread reply also sent to the channel, a message with a file). */
const NEW_MESSAGE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/** The fields of a `message` event used here (Events API shape). */
interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
}

/** Whether an Events API body carries a `message` event. */
function isMessageEvent(body: unknown): boolean {
  const b = body as { type?: string; event?: { type?: string } };
  return b?.type === 'event_callback' && b.event?.type === 'message';
}

/**
 * Global middleware, first in line: drops `message` events unless the policy listens, so with
 * discovery off nothing of a channel message is processed or written (not even its event id).
 */
export function dropMessagesUnlessListening(deps: flows.FlowDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    if (isMessageEvent(body) && !flows.listening(deps)) return;
    await next();
  };
}

/** A person's new message in a channel or private channel, or null for anything else. */
function channelMessage(e: MessageEvent): { channel: string; user: string; text: string } | null {
  if (!NEW_MESSAGE_SUBTYPES.has(e.subtype) || e.bot_id) return null;
  if (e.channel_type !== 'channel' && e.channel_type !== 'group') return null;
  if (!e.channel || !e.user || typeof e.text !== 'string' || e.text.length === 0) return null;
  return { channel: e.channel, user: e.user, text: e.text };
}

/** Registers the `message` listener (it does nothing unless the policy listens). */
export function registerDiscoveryListener(app: App, rt: SlackRuntime): void {
  app.event('message', async ({ event, body, context }) => {
    if (!flows.listening(rt.deps)) return;
    const m = channelMessage(event as unknown as MessageEvent);
    // Most messages name no tool: those cost no directory look-up and no database write.
    if (!m || flows.findToolMentions(m.text).length === 0) return;
    try {
      const ctx = await slackContext(rt, context.teamId ?? (body as { team_id?: string }).team_id, m.user);
      const results = await flows.noticeChannelMessage(ctx, m.channel, m.text);
      if (results.some((r) => r.outcome === 'nudged')) rt.afterChange();
      rt.logger.debug({ channel: m.channel, tools: results }, 'slack: discovery noticed catalog tools');
    } catch (err) {
      rt.logger.error({ err, channel: m.channel }, 'slack: discovery failed on a channel message');
    }
  });
}
