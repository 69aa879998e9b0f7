/**
 * Conversation references for proactive messages, stored per person (`person:teams:<id>`) and
 * per channel (`channel:<conversation id>`) when the app is installed or first spoken to.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ConversationReference } from 'botbuilder';
import type { Db } from '../../db/client';
import { conversationRefs, people } from '../../db/schema';

/** Stores (or refreshes) a reference. */
export async function saveReference(db: Db, workspaceId: number, refKey: string, reference: Partial<ConversationReference>, now: Date): Promise<void> {
  await db
    .insert(conversationRefs)
    .values({ workspaceId, refKey, reference, updatedAt: now })
    .onConflictDoUpdate({ target: [conversationRefs.workspaceId, conversationRefs.refKey], set: { reference, updatedAt: now } });
}

/** A stored reference by key, or null. */
export async function findReference(db: Db, workspaceId: number, refKey: string): Promise<Partial<ConversationReference> | null> {
  const [row] = await db
    .select({ reference: conversationRefs.reference })
    .from(conversationRefs)
    .where(and(eq(conversationRefs.workspaceId, workspaceId), eq(conversationRefs.refKey, refKey)));
  return (row?.reference as Partial<ConversationReference> | undefined) ?? null;
}

/** Any stored reference of the workspace: it gives the service URL, the bot and the tenant. */
export async function anyReference(db: Db, workspaceId: number): Promise<Partial<ConversationReference> | null> {
  const [row] = await db
    .select({ reference: conversationRefs.reference })
    .from(conversationRefs)
    .where(eq(conversationRefs.workspaceId, workspaceId))
    .orderBy(sql`${conversationRefs.updatedAt} desc`)
    .limit(1);
  return (row?.reference as Partial<ConversationReference> | undefined) ?? null;
}

/**
 * A reference that reaches a conversation: the stored one when there is one, else one built
 * from any reference of the workspace (same service URL and bot) with that conversation id.
 */
export async function referenceForConversation(
  db: Db,
  workspaceId: number,
  conversationId: string,
  isPersonal = false,
): Promise<Partial<ConversationReference> | null> {
  const [stored] = await db
    .select({ reference: conversationRefs.reference })
    .from(conversationRefs)
    .where(and(eq(conversationRefs.workspaceId, workspaceId), sql`${conversationRefs.reference}->'conversation'->>'id' = ${conversationId}`))
    .limit(1);
  if (stored) return stored.reference as Partial<ConversationReference>;
  const base = await anyReference(db, workspaceId);
  if (!base) return null;
  return {
    ...base,
    activityId: undefined,
    user: undefined,
    conversation: {
      id: conversationId,
      isGroup: !isPersonal,
      conversationType: isPersonal ? 'personal' : 'channel',
      tenantId: base.conversation?.tenantId,
      name: '',
    },
  };
}

/**
 * Which of these people cannot get a direct message because they have no stored reference
 * (they never installed the app or spoke to it). Non-Teams ids are ignored. Jobs and the digest
 * use it to mention them in the approvals channel and to note it.
 */
export async function teamsPeopleWithoutReference(db: Db, workspaceId: number, personIds: number[]): Promise<number[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .select({ id: people.id, platformId: people.platformId })
    .from(people)
    .where(and(eq(people.workspaceId, workspaceId), inArray(people.id, personIds)));
  const teams = rows.filter((r) => r.platformId.startsWith('teams:'));
  if (teams.length === 0) return [];
  const keys = teams.map((r) => `person:${r.platformId}`);
  const have = await db
    .select({ refKey: conversationRefs.refKey })
    .from(conversationRefs)
    .where(and(eq(conversationRefs.workspaceId, workspaceId), inArray(conversationRefs.refKey, keys)));
  const known = new Set(have.map((h) => h.refKey));
  return teams.filter((r) => !known.has(`person:${r.platformId}`)).map((r) => r.id);
}
