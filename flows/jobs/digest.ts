/**
 * The weekly compliance digest as a neutral object: what happened in the period (from the audit
 * trail, which is immutable), what waits (pending approvals, reviews due or overdue), and the
 * inventory. Adapters render it richly; `renderDigestText` renders it as plain text.
 */
import { and, asc, eq, gte, inArray, lt, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, auditEvents, people, reviews, workspaces } from '../../db/schema';
import { analyseDeciders, peopleIndex, stuckReasonText } from '../deciders';
import type { CheckpointView } from '../audit-checkpoint-view';
import type { Policy } from '../policy';
import { systemRef } from '../views';
import { DAY_MS, HOUR_MS, localDate } from './time';

/** A system named in the digest. */
export interface DigestItem {
  ref: string;
  name: string;
  riskClass: string | null;
  status: string;
  department: string;
  owner: string;
}

/** A count per key (a risk class, a department), largest first. */
export interface DigestCount {
  key: string;
  count: number;
}

/** The weekly digest of one workspace. Instants are ISO strings so it stores as JSON unchanged. */
export interface WeeklyDigest {
  workspaceId: number;
  organization: string;
  timezone: string;
  /** Start (inclusive) and end (exclusive) of the period. */
  periodStart: string;
  periodEnd: string;
  /** Local dates of the period, e.g. `2026-11-02 – 2026-11-09`. */
  periodLabel: string;
  /** Nothing was registered, decided or blocked in the period. */
  quiet: boolean;
  counts: { registrations: number; approvals: number; rejections: number; changesRequested: number; blocked: number };
  /** The systems behind the counts, by name. */
  activity: { registered: DigestItem[]; approved: DigestItem[]; rejected: DigestItem[]; changesRequested: DigestItem[]; blocked: DigestItem[] };
  pendingApprovals: Array<DigestItem & { requestId: number; ageHours: number; ageDays: number; waitingFor: string[] }>;
  /** Open reviews due within the next 14 days. */
  reviewsDueSoon: Array<DigestItem & { dueAt: string; dueInDays: number }>;
  /** Open reviews past due. */
  reviewsOverdue: Array<DigestItem & { dueAt: string; overdueDays: number }>;
  /** Systems not retired. */
  inventory: { total: number; byRiskClass: DigestCount[]; byDepartment: DigestCount[] };
  /** Registered in the period and declared as already in use ("hidden AI" surfaced). */
  hiddenAi: DigestItem[];
  /** Assessed as high-risk in the period. */
  highRisk: DigestItem[];
  /** Assessed as prohibited in the period. */
  prohibited: DigestItem[];
  /** The audit head published with this digest (set by the weekly-digest job; absent on an empty trail). */
  checkpoint?: CheckpointView | null;
  /** Systems flagged "re-triage needed (questionnaire v2)" and not re-triaged yet (not retired). */
  retriageNeeded?: DigestItem[];
  /**
   * Approval steps nobody can decide (no eligible member, only the submitter, or members who
   * decide another step of the request), on open and blocked requests: `why` says which.
   */
  stuckSteps?: Array<DigestItem & { requestId: number; stepId: number; role: string; why: string }>;
}

/** How far ahead "reviews due" looks, in days. */
export const DIGEST_REVIEW_DAYS = 14;

const ACTIONS = {
  'system.registered': 'registered',
  'request.approved': 'approved',
  'request.rejected': 'rejected',
  'request.changes_requested': 'changesRequested',
  'approval.blocked': 'blocked',
} as const;

/** Builds the digest of a workspace for the period [start, end). */
export async function buildDigest(db: Db, policy: Policy, workspaceId: number, start: Date, end: Date): Promise<WeeklyDigest> {
  const tz = policy.organization.timezone;
  const systems = await db
    .select({ s: aiSystems, ownerName: people.displayName, ownerPid: people.platformId })
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .where(eq(aiSystems.workspaceId, workspaceId))
    .orderBy(asc(aiSystems.refNumber));
  const item = new Map<number, DigestItem>(
    systems.map(({ s, ownerName, ownerPid }) => [
      s.id,
      { ref: systemRef(s.refNumber), name: s.name, riskClass: s.riskClass, status: s.status, department: s.department, owner: ownerName ?? ownerPid },
    ]),
  );
  const of = (id: number) => item.get(id)!;

  const events = await db
    .select({ action: auditEvents.action, subjectId: auditEvents.subjectId, data: auditEvents.data })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.workspaceId, workspaceId),
        inArray(auditEvents.action, Object.keys(ACTIONS)),
        gte(auditEvents.occurredAt, start),
        lt(auditEvents.occurredAt, end),
      ),
    )
    .orderBy(asc(auditEvents.seq));
  const activity: WeeklyDigest['activity'] = { registered: [], approved: [], rejected: [], changesRequested: [], blocked: [] };
  for (const e of events) {
    const bucket = ACTIONS[e.action as keyof typeof ACTIONS];
    const systemId = e.action === 'system.registered' ? Number(e.subjectId) : Number((e.data as { systemId?: number }).systemId);
    if (item.has(systemId)) activity[bucket].push(of(systemId));
  }

  const pending = await db
    .select({ id: approvalRequests.id, systemId: approvalRequests.systemId, createdAt: approvalRequests.createdAt })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, workspaceId), eq(approvalRequests.status, 'pending')))
    .orderBy(asc(approvalRequests.createdAt), asc(approvalRequests.id));
  const pendingSteps = pending.length
    ? await db
        .select({ requestId: approvalSteps.requestId, role: approvalSteps.role })
        .from(approvalSteps)
        .where(and(inArray(approvalSteps.requestId, pending.map((p) => p.id)), eq(approvalSteps.status, 'pending')))
        .orderBy(asc(approvalSteps.position))
    : [];

  const horizon = new Date(end.getTime() + DIGEST_REVIEW_DAYS * DAY_MS);
  const open = await db
    .select({ systemId: reviews.systemId, dueAt: reviews.dueAt })
    .from(reviews)
    .innerJoin(aiSystems, eq(aiSystems.id, reviews.systemId))
    .where(and(eq(reviews.workspaceId, workspaceId), eq(reviews.status, 'open'), eq(aiSystems.status, 'approved'), lte(reviews.dueAt, horizon)))
    .orderBy(asc(reviews.dueAt));

  const assessed = await db
    .selectDistinct({ systemId: assessments.systemId })
    .from(assessments)
    .where(and(eq(assessments.workspaceId, workspaceId), gte(assessments.createdAt, start), lt(assessments.createdAt, end)));
  const assessedIds = new Set(assessed.map((a) => a.systemId));

  const stuckSteps = await stuckStepsOf(db, policy, workspaceId, of);

  const inventory = systems.filter(({ s }) => s.status !== 'retired');
  const digest: WeeklyDigest = {
    workspaceId,
    organization: policy.organization.name,
    timezone: tz,
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    periodLabel: `${localDate(start, tz)} – ${localDate(new Date(end.getTime() - 1), tz)}`,
    quiet: events.length === 0,
    counts: {
      registrations: activity.registered.length,
      approvals: activity.approved.length,
      rejections: activity.rejected.length,
      changesRequested: activity.changesRequested.length,
      blocked: activity.blocked.length,
    },
    activity,
    pendingApprovals: pending.map((p) => {
      const ageHours = Math.floor((end.getTime() - p.createdAt.getTime()) / HOUR_MS);
      return {
        ...of(p.systemId),
        requestId: p.id,
        ageHours,
        ageDays: Math.floor(ageHours / 24),
        waitingFor: pendingSteps.filter((s) => s.requestId === p.id).map((s) => s.role),
      };
    }),
    reviewsDueSoon: open
      .filter((r) => r.dueAt >= end)
      .map((r) => ({ ...of(r.systemId), dueAt: r.dueAt.toISOString(), dueInDays: Math.ceil((r.dueAt.getTime() - end.getTime()) / DAY_MS) })),
    reviewsOverdue: open
      .filter((r) => r.dueAt < end)
      .map((r) => ({ ...of(r.systemId), dueAt: r.dueAt.toISOString(), overdueDays: Math.floor((end.getTime() - r.dueAt.getTime()) / DAY_MS) })),
    inventory: {
      total: inventory.length,
      byRiskClass: countBy(inventory.map(({ s }) => s.riskClass ?? 'unclassified')),
      byDepartment: countBy(inventory.map(({ s }) => s.department.trim() || 'unspecified')),
    },
    hiddenAi: systems
      .filter(({ s }) => s.usageStatus === 'in_use' && s.createdAt >= start && s.createdAt < end)
      .map(({ s }) => of(s.id)),
    highRisk: systems.filter(({ s }) => assessedIds.has(s.id) && s.riskClass === 'high').map(({ s }) => of(s.id)),
    prohibited: systems.filter(({ s }) => assessedIds.has(s.id) && s.riskClass === 'prohibited').map(({ s }) => of(s.id)),
    retriageNeeded: inventory.filter(({ s }) => s.retriageNeededAt !== null).map(({ s }) => of(s.id)),
    stuckSteps,
  };
  return digest;
}

/** The steps of open and blocked requests that nobody can decide, as the policy stands now. */
async function stuckStepsOf(
  db: Db,
  policy: Policy,
  workspaceId: number,
  of: (systemId: number) => DigestItem,
): Promise<NonNullable<WeeklyDigest['stuckSteps']>> {
  const open = await db
    .select({ id: approvalRequests.id, systemId: approvalRequests.systemId, submittedById: approvalRequests.submittedById })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, workspaceId), inArray(approvalRequests.status, ['pending', 'blocked'])))
    .orderBy(asc(approvalRequests.id));
  if (open.length === 0) return [];
  const [ws] = await db.select({ platform: workspaces.platform }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const steps = await db
    .select()
    .from(approvalSteps)
    .where(inArray(approvalSteps.requestId, open.map((r) => r.id)))
    .orderBy(asc(approvalSteps.position));
  const index = await peopleIndex(db, workspaceId);
  const out: NonNullable<WeeklyDigest['stuckSteps']> = [];
  for (const r of open) {
    const mine = steps.filter((s) => s.requestId === r.id);
    // Fallbacks were applied when the request opened; what is still stuck now is stuck.
    const found = analyseDeciders(policy, ws?.platform ?? 'shell', mine, r.submittedById, index, false);
    for (const s of found.stuck) {
      const group = mine.find((x) => x.id === s.stepId)?.groupName ?? s.role;
      out.push({ ...of(r.systemId), requestId: r.id, stepId: s.stepId, role: s.role, why: stuckReasonText(s.reason, s.role, group) });
    }
  }
  return out;
}

/** Counts values, largest first, then by name. */
function countBy(values: string[]): DigestCount[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

