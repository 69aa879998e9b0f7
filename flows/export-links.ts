/**
 * Links from an export row to the thread where a system's approval was decided, built from the
 * stored copy of the request's first message (no platform call: exports run offline).
 */
import type { StoredMessage } from './messages';

/**
 * `https://slack.com/archives/<channel>/p<ts without the dot>`: Slack's permalink form, which
 * opens the message in whichever workspace the reader is signed in to.
 */
export function slackPermalink(channel: string, ts: string): string {
  return `https://slack.com/archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;
}

/**
 * A Teams deep link to a channel message, or null. A channel conversation id may carry the
 * thread (`19:…@thread.tacv2;messageid=…`); the link wants the channel. Personal chats with the
 * bot (`a:…`) have no id Teams can open from a link, so they get none.
 */
export function teamsMessageLink(conversationId: string, messageId: string, tenantId?: string): string | null {
  const channel = conversationId.split(';')[0]!;
  if (!channel.startsWith('19:') || !messageId) return null;
  const query = new URLSearchParams({ ...(tenantId ? { tenantId } : {}), parentMessageId: messageId });
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channel)}/${encodeURIComponent(messageId)}?${query.toString()}`;
}

/**
 * The link to a request's thread: its first message (`parent`, else a direct `dm` copy) on
 * Slack, or on Teams when posted in a channel. `tenantId` is the Teams workspace's tenant.
 */
export function decisionThreadLink(copies: readonly StoredMessage[], tenantId?: string): string | null {
  const first = copies.find((c) => c.role === 'parent') ?? copies.find((c) => c.role === 'dm');
  if (!first) return null;
  if (first.platform === 'slack') return slackPermalink(first.conversationId, first.messageId);
  if (first.platform === 'teams') return teamsMessageLink(first.conversationId, first.messageId, tenantId);
  return null;
}
