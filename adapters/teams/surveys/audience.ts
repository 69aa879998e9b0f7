/**
 * The Teams side of a campaign's audience ({@link flows.AudienceDirectory}): everyone is the
 * people with a personal conversation with the bot (stored references) and the members of the
 * teams the bot is installed in (the roster of each stored channel, read through the connector);
 * a channel's members are its team's roster; an email address is a person the bot has met.
 */
import { and, eq, like } from 'drizzle-orm';
import { TeamsInfo } from 'botbuilder';
import type { TeamsChannelAccount } from 'botbuilder';
import { conversationRefs, people } from '../../../db/schema';
import type { AudienceDirectory, AudienceMember, FlowDeps } from '../../../flows';
import { findReference, referenceForConversation } from '../conversation-refs';
import type { TeamsTransport } from '../teams-transport';

/** Most roster pages read per conversation (a guard against a token that never ends). */
const MAX_PAGES = 200;

const memberOf = (m: TeamsChannelAccount): AudienceMember | null =>
  m.aadObjectId ? { platformId: `teams:${m.aadObjectId}`, displayName: m.name || undefined, email: (m.email || m.userPrincipalName || '').includes('@') ? m.email || m.userPrincipalName : undefined } : null;

/** The audience directory of a Teams workspace. */
export function teamsAudience(deps: FlowDeps, transport: Pick<TeamsTransport, 'proactive'>, workspaceId: number): AudienceDirectory {
  const { db } = deps;
  const roster = async (conversationId: string): Promise<AudienceMember[]> => {
    const ref = (await findReference(db, workspaceId, `channel:${conversationId}`)) ?? (await referenceForConversation(db, workspaceId, conversationId));
    if (!ref?.serviceUrl) return [];
    const out: AudienceMember[] = [];
    await transport.proactive({ ...ref, activityId: undefined }, async (ctx) => {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await TeamsInfo.getPagedMembers(ctx, 200, token);
        for (const m of r.members ?? []) {
          const a = memberOf(m);
          if (a) out.push(a);
        }
        token = r.continuationToken || undefined;
        if (!token) break;
      }
    });
    return out;
  };
  return {
    everyone: async () => {
      const refs = await db
        .select({ refKey: conversationRefs.refKey })
        .from(conversationRefs)
        .where(eq(conversationRefs.workspaceId, workspaceId));
      const known = await db.select().from(people).where(and(eq(people.workspaceId, workspaceId), like(people.platformId, 'teams:%')));
      const byId = new Map(known.map((p) => [p.platformId, p]));
      const out: AudienceMember[] = [];
      for (const r of refs) {
        if (r.refKey.startsWith('person:teams:')) {
          const id = r.refKey.slice('person:'.length);
          const p = byId.get(id);
          out.push({ platformId: id, displayName: p?.displayName ?? undefined, email: p?.email ?? undefined });
        }
      }
      for (const r of refs) {
        if (!r.refKey.startsWith('channel:')) continue;
        try {
          out.push(...(await roster(r.refKey.slice('channel:'.length))));
        } catch {
          // A team the bot was removed from, or a roster it may not read: its members stay unknown.
        }
      }
      return out;
    },
    channelMembers: async (channel) => {
      try {
        return await roster(channel);
      } catch {
        return [];
      }
    },
    byEmail: async (email) => {
      const [p] = await db.select().from(people).where(and(eq(people.workspaceId, workspaceId), eq(people.email, email), like(people.platformId, 'teams:%')));
      return p ? { platformId: p.platformId, displayName: p.displayName ?? undefined, email: p.email ?? undefined } : null;
    },
  };
}
