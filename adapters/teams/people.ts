/**
 * People as Teams knows them: the member's email (for policy `email:` members), owners typed as
 * an email or picked by AAD object id, and the user MRIs a card refreshes for.
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
  /** The user MRI (`29:…`), the id Teams matches `refresh.userIds` against. */
  mri: string | undefined;
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
        info = { aadObjectId: m.aadObjectId || userId, mri: m.id || undefined, name: m.name || undefined, email: email?.includes('@') ? email : undefined };
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
 * Looks up a person's user MRI (the `29:…` id activities come from) in the Teams roster by their
 * AAD object id; null when the roster does not know them or cannot be asked.
 */
export type Roster = (aadObjectId: string) => Promise<string | null>;

/** Whether an id is a user MRI (`29:…`, `8:orgid:…`) rather than an AAD object id. */
export function isUserMri(id: string): boolean {
  return /^29:./.test(id) || /^8:orgid:./i.test(id);
}

/**
 * The user MRIs of the approvers of a request's pending steps, for the card's `refresh.userIds`:
 * Teams matches that list against user MRIs only, so an AAD object id there refreshes nobody.
 * Approvers are `teams:` members (AAD object ids, or MRIs already) and `email:` members (through
 * the people we know with that email); each AAD object id becomes the MRI of a stored
 * conversation reference, else the roster's answer. Approvers with neither are left out: they
 * have not installed the app, and their requests reach them as a mention in the approvals channel.
 */
export async function refreshUserIds(db: Db, workspaceId: number, request: RequestView, roster?: Roster): Promise<string[]> {
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
  const mris = new Set([...ids].filter(isUserMri));
  const aads = [...ids].filter((id) => !isUserMri(id));
  if (aads.length > 0) {
    const userOf = (field: string) => sql<string | null>`${conversationRefs.reference}->'user'->>${field}`;
    const seen = await db
      .selectDistinct({ aad: userOf('aadObjectId'), mri: userOf('id') })
      .from(conversationRefs)
      .where(and(eq(conversationRefs.workspaceId, workspaceId), inArray(userOf('aadObjectId'), aads)));
    const resolved = new Set<string>();
    for (const r of seen) {
      if (r.mri && isUserMri(r.mri) && r.aad) {
        mris.add(r.mri);
        resolved.add(r.aad);
      }
    }
    if (roster) {
      for (const aad of aads.filter((a) => !resolved.has(a))) {
        const mri = await roster(aad).catch(() => null);
        if (mri && isUserMri(mri)) mris.add(mri);
      }
    }
  }
  return [...mris].sort();
}

/**
 * The names of the approvers of a request's pending steps, by member id (`teams:…`, `email:…`),
 * for the people the bot has met; the card shows these instead of ids.
 */
export async function approverNames(db: Db, workspaceId: number, request: RequestView): Promise<Record<string, string>> {
  return memberNames(db, workspaceId, request.steps.filter((s) => s.status === 'pending').flatMap((s) => s.approvers));
}

/** The names of policy members (`teams:…`, `email:…`) the bot has met, by member id. */
export async function memberNames(db: Db, workspaceId: number, list: string[]): Promise<Record<string, string>> {
  const members = [...new Set(list)];
  const teamsIds = members.filter((m) => m.startsWith('teams:'));
  const emails = members.filter((m) => m.startsWith('email:')).map((m) => m.slice('email:'.length).toLowerCase());
  const out: Record<string, string> = {};
  if (teamsIds.length > 0) {
    const rows = await db
      .select({ platformId: people.platformId, displayName: people.displayName })
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), inArray(people.platformId, teamsIds)));
    for (const r of rows) if (r.displayName) out[r.platformId] = r.displayName;
    // People who installed the app but never acted: the name their conversation reference keeps.
    const unnamed = teamsIds.filter((id) => !out[id]).map((id) => id.slice('teams:'.length));
    if (unnamed.length > 0) {
      const userOf = (field: string) => sql<string | null>`${conversationRefs.reference}->'user'->>${field}`;
      const refs = await db
        .selectDistinct({ aad: userOf('aadObjectId'), name: userOf('name') })
        .from(conversationRefs)
        .where(and(eq(conversationRefs.workspaceId, workspaceId), inArray(userOf('aadObjectId'), unnamed)));
      for (const r of refs) if (r.aad && r.name) out[`teams:${r.aad}`] = r.name;
    }
  }
  if (emails.length > 0) {
    const rows = await db
      .select({ email: people.email, displayName: people.displayName })
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), inArray(people.email, emails)));
    for (const r of rows) if (r.email && r.displayName) out[`email:${r.email.toLowerCase()}`] = r.displayName;
  }
  return out;
}
