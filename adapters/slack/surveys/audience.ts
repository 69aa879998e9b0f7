/**
 * The Slack side of a campaign's audience ({@link flows.AudienceDirectory}): everyone from
 * `users.list` (bots, Slackbot and deactivated users are flagged, and left out by flows),
 * a channel's members from `conversations.members`, an email address from
 * `users.lookupByEmail`. Pages are followed by cursor; the calls are paced like every other.
 */
import type { webApi } from '@slack/bolt';
import type { AudienceDirectory, AudienceMember } from '../../../flows';

/** Most pages read of one list (200 people each), a guard against a cursor that never ends. */
const MAX_PAGES = 500;

type SlackUser = { id?: string; name?: string; real_name?: string; deleted?: boolean; is_bot?: boolean; is_app_user?: boolean; profile?: { display_name?: string; email?: string } };

function member(u: SlackUser): AudienceMember | null {
  if (!u.id) return null;
  return {
    platformId: `slack:${u.id}`,
    displayName: u.profile?.display_name || u.real_name || u.name || undefined,
    email: u.profile?.email || undefined,
    isBot: u.is_bot === true || u.is_app_user === true || u.id === 'USLACKBOT',
    deleted: u.deleted === true,
  };
}

/** The audience directory of the workspace `client` is for. */
export function slackAudience(client: webApi.WebClient): AudienceDirectory {
  return {
    everyone: async () => {
      const out: AudienceMember[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        for (const u of (r.members ?? []) as SlackUser[]) {
          const m = member(u);
          if (m) out.push(m);
        }
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return out;
    },
    channelMembers: async (channel) => {
      const out: AudienceMember[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await client.conversations.members({ channel, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const id of r.members ?? []) out.push({ platformId: `slack:${id}` });
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return out;
    },
    byEmail: async (email) => {
      try {
        const r = await client.users.lookupByEmail({ email });
        return r.user ? member(r.user as SlackUser) : null;
      } catch {
        return null;
      }
    },
  };
}
