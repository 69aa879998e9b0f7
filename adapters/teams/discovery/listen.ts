/**
 * Opt-in channel discovery on Teams. With the discovery variant of the app (resource-specific
 * consent `ChannelMessage.Read.Group`) Teams sends the bot every message of the channels of a
 * team it is installed in, not only those that @mention it. Such an overheard message is never a
 * command: with policy `discovery.listen` off it is dropped before anything reads or writes;
 * with it on, it is read for catalog tools and its author may get one personal message (the
 * outbox's `discovery.nudge`) per tool per 30 days. Nothing of the text is logged or kept.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Activity } from 'botbuilder';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';
import { actorOf, conversationKeyOf, workspaceOf } from '../parse-activity';

/**
 * Whether the activity @mentions the bot: by its mention entities when it has any (a message that
 * @mentions only colleagues is not for the bot), else by the `<at>` markup Teams puts in the text.
 */
function mentionsBot(a: Partial<Activity>): boolean {
  const bot = a.recipient?.id;
  const mentions = ((a.entities ?? []) as Array<{ type?: string; mentioned?: { id?: string } }>).filter((e) => e.type === 'mention');
  if (mentions.length > 0) return mentions.some((e) => !bot || e.mentioned?.id === bot);
  return /<at>/i.test(a.text ?? '');
}

/**
 * A message in a team channel that does not @mention the bot and is no card action: Teams sends
 * those only under resource-specific consent, and they are not meant for the bot.
 */
export function isOverheard(a: Partial<Activity>): boolean {
  return a.type === 'message' && a.conversation?.conversationType === 'channel' && a.value === undefined && !mentionsBot(a);
}

/** The readable text of a Teams message: HTML tags out, their link targets kept, entities decoded. */
export function plainTextOf(html: string): string {
  return html
    .replace(/<a\b[^>]*\bhref\s*=\s*"([^"]*)"[^>]*>/gi, ' $1 ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;/gi, "'")
    .replace(/&amp;/gi, '&');
}

/** What handling an overheard message needs. */
export interface ChannelListenerOptions {
  deps: FlowDeps;
  logger: Logger;
  afterChange: () => void;
  /** Marks the delivery seen; false for a redelivery already handled. */
  firstDelivery: (context: TurnContext) => Promise<boolean>;
}

/** Handles an overheard channel message (see {@link isOverheard}); never replies in the channel. */
export function createChannelListener(o: ChannelListenerOptions): (context: TurnContext) => Promise<void> {
  return async (context) => {
    if (!flows.listening(o.deps)) return;
    const a = context.activity;
    const text = plainTextOf(a.text ?? '');
    const actor = actorOf(a);
    const channel = conversationKeyOf(a);
    const fromBot = a.from?.role === 'bot';
    // Most messages name no tool: those are not recorded at all.
    if (!actor || !channel || fromBot || flows.findToolMentions(text).length === 0) return;
    if (!(await o.firstDelivery(context))) return;
    try {
      const ctx = await flows.flowContext(o.deps, workspaceOf(a), actor);
      const results = await flows.noticeChannelMessage(ctx, channel.conversationId, text);
      if (results.some((r) => r.outcome === 'nudged')) o.afterChange();
      o.logger.debug({ channel: channel.conversationId, tools: results }, 'Teams: discovery noticed catalog tools');
    } catch (err) {
      o.logger.error({ err, channel: channel.conversationId }, 'Teams: discovery failed on a channel message');
    }
  };
}
