/**
 * An audience directory over the people the bot has met in a workspace (the `people` table), for
 * the shell, which has no platform directory. Channels have no members here.
 */
import { and, eq, like } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { people } from '../../../db/schema';
import type { Platform } from '../../ports';
import type { AudienceDirectory, AudienceMember } from './audience';

const member = (p: typeof people.$inferSelect): AudienceMember => ({ platformId: p.platformId, displayName: p.displayName ?? undefined, email: p.email ?? undefined });

/** Everyone of `platform` the workspace knows. */
export function knownPeopleDirectory(db: Db, workspaceId: number, platform: Platform): AudienceDirectory {
  return {
    everyone: async () => (await db.select().from(people).where(and(eq(people.workspaceId, workspaceId), like(people.platformId, `${platform}:%`)))).map(member),
    channelMembers: async () => [],
    byEmail: async (email) => {
      const [p] = await db.select().from(people).where(and(eq(people.workspaceId, workspaceId), eq(people.email, email), like(people.platformId, `${platform}:%`)));
      return p ? member(p) : null;
    },
  };
}
