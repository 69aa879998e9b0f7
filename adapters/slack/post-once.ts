/**
 * Posting the messages of an outbox notification at most once, even when recording a post
 * fails. Every post carries Slack message metadata naming its notification:
 * `{ event_type: 'aimsbot_outbox', event_payload: { dedupe_key, part? } }` (`part` tells apart
 * the several messages one notification posts into one conversation, e.g. the step replies of
 * an approval thread). When the outbox hands over a row an earlier attempt may have posted
 * without recording (`row.reclaimed`), the conversation's recent history (or the thread's
 * replies) is searched for that metadata first, and a copy found there is adopted instead of
 * posting a second one: it is brought up to date with this attempt's rendering (the state may
 * have changed since, e.g. its step was decided while nobody knew about the copy) and returned
 * as if it had just been posted.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OutboxRow } from '../../flows';
import type { Directory } from './directory';
import type { SlackMessage } from './render-request';
import { isGoneMessage } from './web-errors';

/** The metadata event type of every message the outbox posts. */
export const OUTBOX_EVENT = 'aimsbot_outbox';

/** How far back a re-claimed row looks: pages of history (newest first) and their size. */
const HISTORY_PAGES = 2;
const HISTORY_PAGE_SIZE = 100;
/** Thread replies come oldest first; approval threads are short, so one page nearly always holds them. */
const REPLY_PAGES = 2;
const REPLY_PAGE_SIZE = 200;
/** Slack's clock and ours may differ: a history page is only skipped when older than this margin. */
const CLOCK_MARGIN_S = 600;

/** Lookup failures that mean "this app cannot read that conversation": post as before, and say so. */
const CANNOT_READ = new Set(['missing_scope', 'not_in_channel', 'channel_not_found', 'not_allowed_token_type', 'thread_not_found', 'no_permission']);

/** Where one message of a notification goes. */
export interface PostTarget {
  channel: string;
  /** A reply in this thread. */
  threadTs?: string;
  /** Which of the notification's messages in that conversation this is (e.g. `step:12`). */
  part?: string;
}

/** A posted or adopted message. */
export interface Posted {
  channel: string;
  ts: string;
  /** True when an earlier attempt's copy was found and nothing was posted. */
  adopted: boolean;
}

/** What posting needs. */
export interface PostOnceDeps {
  /** A client with no retries of its own (see create-slack-adapter.ts). */
  client: webApi.WebClient;
  logger?: Logger | undefined;
  /** Learns the DM channel of a post to a user id, and opens it when history must be read. */
  directory?: Pick<Directory, 'dmConversation' | 'rememberDm'> | undefined;
}

/** A user id as a DM target (`chat.postMessage` accepts it; history needs the channel id). */
const isUserId = (channel: string): boolean => /^[UW][A-Z0-9]+$/.test(channel);

/** The metadata a notification's message carries. */
export function outboxMetadata(row: Pick<OutboxRow, 'dedupeKey'>, part?: string): { event_type: string; event_payload: Record<string, string> } {
  const event_payload: Record<string, string> = { dedupe_key: row.dedupeKey };
  if (part) event_payload.part = part;
  return { event_type: OUTBOX_EVENT, event_payload };
}

type HistoryMessage = {
  ts?: string;
  user?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  files?: Array<{ id?: string; name?: string }>;
};

/** The bot's own ids (`auth.test`), or null when Slack did not say. */
type BotIds = { botId: string | undefined; userId: string | undefined } | null;

/** Asked once per client, so another app's messages (another aimsbot, say) are never adopted. */
const botIds = new WeakMap<webApi.WebClient, Promise<BotIds>>();
function botIdsOf(client: webApi.WebClient): Promise<BotIds> {
  let ids = botIds.get(client);
  if (!ids) {
    ids = client.auth.test().then(
      (r) => ({ botId: r.bot_id, userId: r.user_id }),
      () => {
        botIds.delete(client);
        return null;
      },
    );
    botIds.set(client, ids);
  }
  return ids;
}

const byUs = (m: HistoryMessage, ids: BotIds): boolean => !ids || (!!ids.botId && m.bot_id === ids.botId) || (!!ids.userId && m.user === ids.userId);

/**
 * A poster for one delivery attempt of `row`. Conversations read for a re-claimed row are read
 * once per attempt, however many of its messages go there.
 */
export function postOnce(d: PostOnceDeps, row: OutboxRow) {
  const seen = new Map<string, Promise<HistoryMessage[] | null>>();

  const read = (target: PostTarget): Promise<HistoryMessage[] | null> => {
    const key = `${target.channel}:${target.threadTs ?? ''}`;
    let messages = seen.get(key);
    if (!messages) {
      messages = recent(d, row, target);
      seen.set(key, messages);
    }
    return messages;
  };

  /** Shows `msg` on an adopted copy; false when the copy is gone after all. */
  const refresh = async (channel: string, ts: string, part: string | undefined, msg: SlackMessage): Promise<boolean> => {
    try {
      await d.client.chat.update({ channel, ts, text: msg.text, blocks: asJson(msg.blocks), metadata: outboxMetadata(row, part) });
      return true;
    } catch (err) {
      if (isGoneMessage(err)) return false;
      throw err;
    }
  };

  /** The first message of `target` that `match` accepts and this app posted, or null. */
  const find = async (target: PostTarget, match: (m: HistoryMessage) => boolean): Promise<HistoryMessage | null> => {
    const candidates = ((await read(target)) ?? []).filter(match);
    if (candidates.length === 0) return null;
    const ids = await botIdsOf(d.client);
    return candidates.find((m) => byUs(m, ids)) ?? null;
  };

  /** Posts `msg` to `target`, or adopts the copy an earlier attempt posted there. */
  const post = async (target: PostTarget, msg: SlackMessage): Promise<Posted> => {
    if (row.reclaimed) {
      // An earlier attempt's copy lives in the DM channel, not under the user id.
      const where = isUserId(target.channel) && d.directory ? { ...target, channel: await d.directory.dmConversation(target.channel) } : target;
      const found = await find(where, (m) => isCopyOf(m, row, target.part));
      if (found?.ts && (await refresh(where.channel, found.ts, target.part, msg))) return { channel: where.channel, ts: found.ts, adopted: true };
    }
    const r = await d.client.chat.postMessage({
      channel: target.channel,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      text: msg.text,
      blocks: asJson(msg.blocks),
      unfurl_links: false,
      metadata: outboxMetadata(row, target.part),
    });
    if (r.channel && isUserId(target.channel)) d.directory?.rememberDm(target.channel, r.channel);
    return { channel: r.channel ?? target.channel, ts: r.ts!, adopted: false };
  };

  /**
   * For a re-claimed row: the id of a file named `filename` this app shared in the thread of
   * `target` (uploads carry no metadata; a notification uploads at most one file per name).
   */
  const uploaded = async (target: PostTarget & { threadTs: string }, filename: string): Promise<string | null> => {
    if (!row.reclaimed) return null;
    const found = await find(target, (m) => m.ts !== target.threadTs && (m.files ?? []).some((f) => f.name === filename));
    return found?.files?.find((f) => f.name === filename)?.id ?? null;
  };

  return Object.assign(post, { uploaded });
}

/**
 * Blocks as the JSON text Slack takes in a form-encoded call (what the Web API client would make of
 * the array itself). Handed over as text, the client neither walks them to redact its debug log
 * (which it builds whatever the log level) nor serialises them again.
 */
function asJson(blocks: SlackMessage['blocks']): SlackMessage['blocks'] {
  return JSON.stringify(blocks) as unknown as SlackMessage['blocks'];
}

function isCopyOf(m: HistoryMessage, row: OutboxRow, part: string | undefined): boolean {
  const p = m.metadata?.event_payload;
  return m.metadata?.event_type === OUTBOX_EVENT && p?.dedupe_key === row.dedupeKey && (p.part ?? undefined) === part;
}

/**
 * The recent messages of a conversation (newest first, a page or two, none older than the
 * notification) or of a thread (its replies), with their metadata. Null when the app may not
 * read that conversation; a rate limit or any other failure is thrown for the outbox to retry.
 */
async function recent(d: PostOnceDeps, row: OutboxRow, target: PostTarget): Promise<HistoryMessage[] | null> {
  // Nothing of this row can be older than the row itself.
  const since = row.createdAt.getTime() / 1000 - CLOCK_MARGIN_S;
  const out: HistoryMessage[] = [];
  let cursor: string | undefined;
  try {
    const pages = target.threadTs ? REPLY_PAGES : HISTORY_PAGES;
    for (let page = 0; page < pages; page += 1) {
      const r = target.threadTs
        ? await d.client.conversations.replies({ channel: target.channel, ts: target.threadTs, include_all_metadata: true, limit: REPLY_PAGE_SIZE, ...(cursor ? { cursor } : {}) })
        : await d.client.conversations.history({ channel: target.channel, include_all_metadata: true, limit: HISTORY_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      const messages = (r.messages ?? []) as HistoryMessage[];
      out.push(...messages);
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!r.has_more || !cursor) break;
      const last = Number(messages.at(-1)?.ts ?? '0');
      if (!target.threadTs && last < since) break;
    }
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string } };
    const error = e.data?.error ?? '';
    if (e.code !== webApi.ErrorCode.PlatformError || !CANNOT_READ.has(error)) throw err;
    d.logger?.warn({ channel: target.channel, error, notification: row.id }, 'slack: cannot read the conversation to find an earlier copy; posting again');
    return null;
  }
  return out;
}
