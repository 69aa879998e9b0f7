/**
 * Can every step of a request be decided? The rules (product.md "Rules that users rely on") give
 * each step its eligible deciders — the owner for the owner step, the group's members for the
 * others, minus the submitter for compliance, privacy and security — and nobody decides two steps
 * of one request. So the steps need *different* deciders: a step is stuck when no assignment of
 * distinct people covers it (a bipartite matching, steps in their order, so the owner step is
 * served first). A stuck step is rerouted to the policy's `approvals.fallback` for its role when
 * one is set; otherwise it stays stuck and people are told.
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { people } from '../db/schema';
import type { Policy } from './policy';
import { groupMembers } from './policy';
import { roleLabel } from './display';

/** The roles whose steps a submitter may not decide on their own request (as rules.ts). */
const INDEPENDENT = new Set(['compliance', 'privacy', 'security']);

/** Why nobody can decide a step. */
export type StuckReason = 'no_members' | 'only_submitter' | 'taken';

/** A step as the analysis needs it. */
export interface DeciderStep {
  id: number;
  role: string;
  status: string;
  groupName: string | null;
  ownerId: number | null;
  decidedById: number | null;
}

/** People of a workspace by platform id and by email, so group members resolve to people. */
export interface PeopleIndex {
  byPlatformId: Map<string, number>;
  byEmail: Map<string, number>;
}

/** What the analysis found. */
export interface DeciderAnalysis {
  /** Steps nobody can decide, in step order. */
  stuck: Array<{ stepId: number; role: string; reason: StuckReason }>;
  /** Stuck steps that the policy's fallback can decide: step id → the fallback (group or person). */
  rerouted: Map<number, string>;
}

/**
 * Loads the people index of a workspace: everyone, or only those `members` (policy member
 * strings) can resolve to, which keeps a request's check to a few rows.
 */
export async function peopleIndex(db: Db, workspaceId: number, members?: string[]): Promise<PeopleIndex> {
  const ids = members?.filter((m) => !m.startsWith('email:')) ?? [];
  const emails = members?.filter((m) => m.startsWith('email:')).map((m) => m.slice(6).toLowerCase()) ?? [];
  const index: PeopleIndex = { byPlatformId: new Map(), byEmail: new Map() };
  if (members && ids.length === 0 && emails.length === 0) return index;
  const rows = await db
    .select({ id: people.id, platformId: people.platformId, email: people.email })
    .from(people)
    .where(
      and(
        eq(people.workspaceId, workspaceId),
        members ? or(ids.length ? inArray(people.platformId, ids) : undefined, emails.length ? inArray(people.email, emails) : undefined) : undefined,
      ),
    );
  for (const r of rows) {
    index.byPlatformId.set(r.platformId, r.id);
    if (r.email) index.byEmail.set(r.email.toLowerCase(), r.id);
  }
  return index;
}

/** Every policy member string a request's steps (and their fallbacks) could be decided by. */
export function membersInPlay(policy: Policy, steps: DeciderStep[]): string[] {
  const groups = new Set<string>();
  for (const s of steps) {
    if (s.groupName) groups.add(s.groupName);
    const fallback = policy.approvals.fallback[s.role];
    if (fallback) groups.add(fallback);
  }
  return [...new Set([...groups].flatMap((g) => groupMembers(policy, g)))];
}

/** One key per person: a known person by id, else the member string itself. */
function keyOf(member: string, index: PeopleIndex): string {
  const known = member.startsWith('email:') ? index.byEmail.get(member.slice(6).toLowerCase()) : index.byPlatformId.get(member);
  return known !== undefined ? `p:${known}` : `m:${member.toLowerCase()}`;
}

/**
 * Who could decide a step routed to `group` in a workspace of `platform`: members of another
 * platform can never act here (an `email:` member can, on any platform).
 */
function candidates(policy: Policy, platform: string, step: DeciderStep, group: string | null, submitterId: number, index: PeopleIndex) {
  if (step.ownerId !== null && group === step.groupName) return { all: [`p:${step.ownerId}`], eligible: [`p:${step.ownerId}`] };
  const all = [
    ...new Set(
      groupMembers(policy, group)
        .filter((m) => m.startsWith(`${platform}:`) || m.startsWith('email:'))
        .map((m) => keyOf(m, index)),
    ),
  ];
  const eligible = INDEPENDENT.has(step.role) ? all.filter((k) => k !== `p:${submitterId}`) : all;
  return { all, eligible };
}

/**
 * Finds the pending steps of one request that nobody can decide, and the fallback that can
 * decide them when the policy names one. Decided steps keep their decider, who is then out of
 * the running for the others; cancelled steps wait for nobody.
 */
export function analyseDeciders(
  policy: Policy,
  platform: string,
  steps: DeciderStep[],
  submitterId: number,
  index: PeopleIndex,
  useFallback = true,
): DeciderAnalysis {
  const taken = new Set(steps.filter((s) => s.status !== 'pending' && s.decidedById !== null).map((s) => `p:${s.decidedById}`));
  const open = steps.filter((s) => s.status === 'pending');
  const info = open.map((s) => candidates(policy, platform, s, s.groupName, submitterId, index));
  const cands = info.map((c) => c.eligible.filter((k) => !taken.has(k)));
  const match = new Map<string, number>();
  const assign = (i: number, seen: Set<string>): boolean => {
    for (const k of cands[i]!) {
      if (seen.has(k)) continue;
      seen.add(k);
      const holder = match.get(k);
      if (holder === undefined || assign(holder, seen)) {
        match.set(k, i);
        return true;
      }
    }
    return false;
  };
  const result: DeciderAnalysis = { stuck: [], rerouted: new Map() };
  open.forEach((step, i) => {
    if (assign(i, new Set())) return;
    const fallback = useFallback ? policy.approvals.fallback[step.role] : undefined;
    if (fallback && fallback !== step.groupName) {
      const alt = candidates(policy, platform, step, fallback, submitterId, index);
      cands[i] = alt.eligible.filter((k) => !taken.has(k));
      if (assign(i, new Set())) {
        result.rerouted.set(step.id, fallback);
        return;
      }
    }
    const { all, eligible } = info[i]!;
    const reason: StuckReason = all.length === 0 ? 'no_members' : eligible.length === 0 ? 'only_submitter' : 'taken';
    result.stuck.push({ stepId: step.id, role: step.role, reason });
  });
  return result;
}

/** Why a step is stuck, as people read it. */
export function stuckReasonText(reason: StuckReason, role: string, group: string): string {
  switch (reason) {
    case 'no_members':
      return `the policy's ${group} group has no member who can act here`;
    case 'only_submitter':
      return `the only member of the ${group} group submitted the request, and nobody decides the ${roleLabel(role)} step of their own request`;
    case 'taken':
      return 'its members already decide other steps of this request, and nobody decides two steps of one request';
  }
}
