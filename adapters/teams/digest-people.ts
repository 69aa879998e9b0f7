/**
 * Who the digest must say has not installed the app: the owners of reviews due or overdue and
 * the approvers of pending steps, when Teams cannot reach them directly — people we know without
 * a stored personal reference, and policy members aimsbot has never seen.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import type { Policy, WeeklyDigest } from '../../flows';
import { loadRequestViews } from '../../flows';
import { teamsPeopleWithoutReference } from './conversation-refs';

/** The people of a digest Teams cannot message directly. */
export interface UnreachablePeople {
  /** Known people without a personal reference, by name. */
  known: Array<{ id: number; name: string }>;
  /** Policy members never seen (`teams:<aad>` or `email:<address>`). */
  unseen: string[];
}

const refNumber = (ref: string) => Number(/^AI-(\d+)$/.exec(ref)?.[1] ?? NaN);

/** Finds the owners and approvers named in `digest` that have not installed the app. */
export async function unreachablePeople(db: Db, policy: Policy, workspaceId: number, digest: WeeklyDigest): Promise<UnreachablePeople> {
  const ids = new Set<number>();
  const refs = [...digest.reviewsDueSoon, ...digest.reviewsOverdue].map((r) => refNumber(r.ref)).filter(Number.isInteger);
  if (refs.length > 0) {
    const owners = await db
      .select({ ownerId: aiSystems.ownerId })
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.refNumber, refs)));
    for (const o of owners) ids.add(o.ownerId);
  }
  const requests = await loadRequestViews(db, policy, workspaceId, digest.pendingApprovals.map((p) => p.requestId));
  const members = new Set(requests.flatMap((r) => r.steps.filter((s) => s.status === 'pending').flatMap((s) => s.approvers)));
  const unseen: string[] = [];
  for (const member of members) {
    const isEmail = member.startsWith('email:');
    if (!isEmail && !member.startsWith('teams:')) continue;
    const where = isEmail
      ? and(eq(people.workspaceId, workspaceId), eq(people.email, member.slice('email:'.length).toLowerCase()))
      : and(eq(people.workspaceId, workspaceId), eq(people.platformId, member));
    const found = await db.select({ id: people.id }).from(people).where(where);
    if (found.length === 0) unseen.push(member);
    for (const f of found) ids.add(f.id);
  }
  const missing = await teamsPeopleWithoutReference(db, workspaceId, [...ids]);
  const known =
    missing.length > 0
      ? await db
          .select({ id: people.id, name: people.displayName, platformId: people.platformId })
          .from(people)
          .where(inArray(people.id, missing))
      : [];
  return {
    known: known.map((k) => ({ id: k.id, name: k.name ?? k.platformId })).sort((a, b) => a.name.localeCompare(b.name)),
    unseen: unseen.sort(),
  };
}
