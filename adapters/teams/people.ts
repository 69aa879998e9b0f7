/**
 * People as Teams knows them: the member's email (for policy `email:` members), owners typed as
 * an email or picked by AAD object id, and the Teams user ids a card refreshes for.
 */
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { TeamsInfo } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { Db } from '../../db/client';
import { conversationRefs, people } from '../../db/schema';
import type { RequestView } from '../../flows';

/** What Teams says about a member. */
export interface MemberInfo {
  aadObjectId: string;
  name: string | undefined;
  email: string | undefined;
}

const CACHE_MS = 10 * 60_000;

/** Looks members up through the connector (TeamsInfo.getMember), caching answers for 10 minutes. */
export function createMemberDirectory() {
  const cache = new Map<string, { at: number; info: MemberInfo | null }>();
  return {
    /** The member by AAD object id, MRI or UPN/email; null when Teams does not know them. */
    async lookup(context: TurnContext, userId: string): Promise<MemberInfo | null> {
      const key = userId.toLowerCase();
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.info;
      let info: MemberInfo | null = null;
      try {
        const m = await TeamsInfo.getMember(context, userId);
        const email = m.email || m.userPrincipalName || undefined;
        info = { aadObjectId: m.aadObjectId || userId, name: m.name || undefined, email: email?.includes('@') ? email : undefined };
      } catch {
        // Not a member of this conversation, or the call is not allowed here: no extra facts.
        info = null;
      }
      cache.set(key, { at: Date.now(), info });
      return info;
    },
  };
}

/** A member directory. */
export type MemberDirectory = ReturnType<typeof createMemberDirectory>;

const AAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves the owner field of the form: the people picker gives an AAD object id; a typed email
 * is looked up in Teams; `me` is the speaker. Returns the person id or a message for the field.
 */
export async function resolveOwner(
  context: TurnContext,
  directory: MemberDirectory,
  raw: string,
  speakerId: string,
): Promise<{ ok: true; platformId: string; name?: string | undefined; email?: string | undefined } | { ok: false; message: string }> {
  const value = raw.trim().replace(/^teams:/i, '');
  if (!value) return { ok: false, message: 'is required; pick a person or type their email' };
  if (value.toLowerCase() === 'me') return { ok: true, platformId: `teams:${speakerId}` };
  if (value.includes('@')) {
    const m = await directory.lookup(context, value);
    if (!m) return { ok: false, message: `nobody with the email ${value} was found in Teams; pick the person instead` };
    return { ok: true, platformId: `teams:${m.aadObjectId}`, name: m.name, email: m.email ?? value };
  }
  if (!AAD_ID.test(value) && !/^[\w-]+$/.test(value)) {
    return { ok: false, message: 'must be a person from the picker, an email address, or "me"' };
  }
  const m = await directory.lookup(context, value);
  return { ok: true, platformId: `teams:${m?.aadObjectId ?? value}`, name: m?.name, email: m?.email };
}

/**
 * The Teams user ids of the approvers of a request's pending steps, for the card's
 * `refresh.userIds`: Teams matches that list against user MRIs (the `29:…` id activities come
 * from), so the MRIs seen in stored conversation references come first, then the AAD object ids
 * (`teams:` members directly, `email:` members through the people we know with that email).
 */
export async function refreshUserIds(db: Db, workspaceId: number, request: RequestView): Promise<string[]> {
  const ids = new Set<string>();
  const emails: string[] = [];
  for (const step of request.steps) {
    if (step.status !== 'pending') continue;
    for (const a of step.approvers) {
      if (a.startsWith('teams:')) ids.add(a.slice('teams:'.length));
      else if (a.startsWith('email:')) emails.push(a.slice('email:'.length).toLowerCase());
    }
  }
  if (emails.length > 0) {
    const rows = await db
      .select({ platformId: people.platformId })
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), inArray(people.email, emails), like(people.platformId, 'teams:%')));
    for (const r of rows) ids.add(r.platformId.slice('teams:'.length));
  }
  const aads = [...ids];
  if (aads.length === 0) return [];
  const userOf = (field: string) => sql<string | null>`${conversationRefs.reference}->'user'->>${field}`;
  const seen = await db
    .selectDistinct({ mri: userOf('id') })
    .from(conversationRefs)
    .where(and(eq(conversationRefs.workspaceId, workspaceId), inArray(userOf('aadObjectId'), aads)));
  const mris = seen.map((r) => r.mri).filter((m): m is string => !!m && !ids.has(m));
  return [...new Set([...mris.sort(), ...aads])];
}
