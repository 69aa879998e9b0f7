/**
 * What Slack knows about people, cached: names and emails (users.info) so email-based policy
 * groups recognise the person, Slack ids of `email:` policy members (users.lookupByEmail) so
 * they can be mentioned, and direct-message channels (learnt from posts to user ids, or
 * conversations.open when the channel id itself is needed).
 */
import type { webApi } from '@slack/bolt';
import type { ActorInput } from '../../flows';
import { esc, memberLabel, slackUserId } from './mrkdwn';

/** A person's Slack profile, as far as we could learn it. */
export interface Profile {
  displayName?: string | undefined;
  email?: string | undefined;
}

/** Cached Slack directory look-ups. */
export interface Directory {
  /** The flow actor for a Slack user id, with name and email when Slack tells us. */
  actor(userId: string): Promise<ActorInput>;
  profile(userId: string): Promise<Profile>;
  /** Member ids (`slack:U…`, `email:…`) → mrkdwn mentions, escaped text when unknown. */
  mentions(memberIds: Iterable<string>): Promise<Map<string, string>>;
  /**
   * Where to post a direct message to a user: the DM channel when known, else the user id itself
   * (`chat.postMessage` with a user id posts in the bot's DM with them), so posting needs no
   * `conversations.open` per message.
   */
  dmChannel(userId: string): Promise<string>;
  /** The DM channel id itself (to compare with recorded copies or read history); opened once, then cached. */
  dmConversation(userId: string): Promise<string>;
  /** Remembers the DM channel a post to a user id landed in. */
  rememberDm(userId: string, channelId: string): void;
}

/** How long a look-up is kept, in ms. Default 10 minutes. */
const TTL_MS = 10 * 60_000;

interface Entry<T> {
  value: T;
  at: number;
}

/** Creates a directory over a Web API client. */
export function createDirectory(client: webApi.WebClient, now: () => number = Date.now): Directory {
  const profiles = new Map<string, Entry<Profile>>();
  const byEmail = new Map<string, Entry<string | null>>();
  const dms = new Map<string, string>();

  const fresh = <T>(e: Entry<T> | undefined): e is Entry<T> => !!e && now() - e.at < TTL_MS;

  const profile = async (userId: string): Promise<Profile> => {
    const hit = profiles.get(userId);
    if (fresh(hit)) return hit.value;
    let value: Profile = {};
    try {
      const r = await client.users.info({ user: userId });
      const u = r.user;
      value = {
        displayName: u?.profile?.display_name || u?.real_name || u?.name || undefined,
        email: u?.profile?.email || undefined,
      };
    } catch {
      // Without users:read we still know the id; names and email groups just stay unknown.
    }
    profiles.set(userId, { value, at: now() });
    return value;
  };

  const lookup = async (email: string): Promise<string | null> => {
    const key = email.toLowerCase();
    const hit = byEmail.get(key);
    if (fresh(hit)) return hit.value;
    let id: string | null = null;
    try {
      const r = await client.users.lookupByEmail({ email: key });
      id = r.user?.id ?? null;
    } catch {
      id = null;
    }
    byEmail.set(key, { value: id, at: now() });
    return id;
  };

  return {
    profile,
    actor: async (userId) => {
      const p = await profile(userId);
      return { platformId: `slack:${userId}`, displayName: p.displayName, email: p.email };
    },
    mentions: async (memberIds) => {
      const out = new Map<string, string>();
      for (const m of new Set(memberIds)) {
        const id = slackUserId(m);
        if (id) out.set(m, `<@${id}>`);
        else if (m.startsWith('email:')) {
          const found = await lookup(m.slice('email:'.length));
          out.set(m, found ? `<@${found}>` : esc(m.slice('email:'.length)));
        } else out.set(m, esc(memberLabel(m)));
      }
      return out;
    },
    dmChannel: async (userId) => dms.get(userId) ?? userId,
    rememberDm: (userId, channelId) => {
      if (channelId && channelId !== userId) dms.set(userId, channelId);
    },
    dmConversation: async (userId) => {
      const hit = dms.get(userId);
      if (hit) return hit;
      const r = await client.conversations.open({ users: userId });
      const id = r.channel?.id;
      if (!id) throw new Error(`conversations.open returned no channel for ${userId}`);
      dms.set(userId, id);
      return id;
    },
  };
}
