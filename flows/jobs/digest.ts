/**
 * The weekly compliance digest as a neutral object: what happened in the period (from the audit
 * trail, which is immutable), what waits (pending approvals, reviews due or overdue), and the
 * inventory. Adapters render it richly; `renderDigestText` renders it as plain text.
 *
 * It never loads every row of a workspace: counts are aggregated in SQL, each list holds at most
 * {@link DIGEST_LIST_LIMIT} items (the full numbers are in `totals`, the full inventory in the
 * CSV), so a digest of 100,000 systems is as cheap as one of a hundred.
 */
import type { SQL } from 'drizzle-orm';
import { and, asc, count, eq, gt, gte, inArray, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, auditEvents, people, reviews, workspaces } from '../../db/schema';
import { analyseDeciders, peopleIndex, stuckReasonText } from '../deciders';
import type { CheckpointView } from '../audit-checkpoint-view';
import type { Policy } from '../policy';
import { systemRef } from '../views';
import { untreatedRisksOf } from '../risks/untreated';
import { DAY_MS, HOUR_MS, localDate } from './time';
import type { TaskDigest } from '../tasks/digest';
import { taskDigest } from '../tasks/digest';
import type { DiscoveryDigest } from '../discovery/digest';
import { discoveryDigest } from '../discovery/digest';
import type { ObjectiveDigest } from '../objectives/digest';
import { objectiveDigest } from '../objectives/digest';
import type { NcDigest } from '../improvement/digest';
import { ncDigest } from '../improvement/digest';
import type { SurveyDigest } from '../discovery/surveys/report';
import { surveyDigest, surveyDigestLines } from '../discovery/surveys/report';
import { rowsOf } from '../../db/rows';

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
  /** Approved high-risk systems with an untreated risk at or above `risk.acceptBelow` (flows/risks/untreated.ts). */
  untreatedHighRisks?: DigestItem[];
  /** How many such risks in all. */
  untreatedRiskCount?: number;
  /**
   * How many items each list has in all; the lists themselves hold at most
   * {@link DIGEST_LIST_LIMIT}. Absent on digests written before lists were cut: use the length.
   */
  totals?: DigestTotals;
  /** Overdue tasks and tasks marked not applicable in the period (absent on older digests). */
  tasks?: TaskDigest;
  /** Tools found by discovery and not registered yet (absent when there are none, and on older digests). */
  discovery?: DiscoveryDigest;
  /** The policy's objectives with their values, targets and 8-week trends (absent without objectives). */
  objectives?: ObjectiveDigest;
  /** Open nonconformities by age, the oldest named (absent on older digests). */
  nonconformities?: NcDigest;
  /** Survey response rate, tools named, policy-ack and literacy coverage (absent when there is none). */
  surveys?: SurveyDigest;
}

/** Full sizes of the digest's lists (see {@link WeeklyDigest.totals}). */
export interface DigestTotals {
  pendingApprovals: number;
  reviewsDueSoon: number;
  reviewsOverdue: number;
  hiddenAi: number;
  highRisk: number;
  prohibited: number;
  retriageNeeded: number;
  stuckSteps: number;
  untreatedHighRisks?: number;
}

/** Items per list of the digest (the counts are always whole). */
export const DIGEST_LIST_LIMIT = 50;

/** The full size of a digest list, also for digests written before lists were cut. */
export function digestTotal(d: WeeklyDigest, list: keyof DigestTotals): number {
  return d.totals?.[list] ?? d[list]?.length ?? 0;
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

/** The columns of a digest item, selected with the owner joined. */
const ITEM = {
  id: aiSystems.id,
  refNumber: aiSystems.refNumber,
  name: aiSystems.name,
  riskClass: aiSystems.riskClass,
  status: aiSystems.status,
  department: aiSystems.department,
  ownerName: people.displayName,
  ownerPid: people.platformId,
};
type ItemRow = { id: number; refNumber: number; name: string; riskClass: string | null; status: string; department: string; ownerName: string | null; ownerPid: string };

function toItem(r: ItemRow): DigestItem {
  return { ref: systemRef(r.refNumber), name: r.name, riskClass: r.riskClass, status: r.status, department: r.department, owner: r.ownerName ?? r.ownerPid };
}

/** Builds the digest of a workspace for the period [start, end). */
export async function buildDigest(db: Db, policy: Policy, workspaceId: number, start: Date, end: Date): Promise<WeeklyDigest> {
  const tz = policy.organization.timezone;
  const N = DIGEST_LIST_LIMIT;
  const items = (ids: number[]) => itemsById(db, workspaceId, ids);

  // Activity: counted per action in SQL, the first N events of each action listed.
  const inPeriod = and(
    eq(auditEvents.workspaceId, workspaceId),
    inArray(auditEvents.action, Object.keys(ACTIONS)),
    gte(auditEvents.occurredAt, start),
    lt(auditEvents.occurredAt, end),
  );
  const perAction = await db.select({ action: auditEvents.action, n: count() }).from(auditEvents).where(inPeriod).groupBy(auditEvents.action);
  const firstEvents = await db.execute<{ action: string; system_id: string | null }>(sql`
    select action, system_id from (
      select e.action, case when e.action = 'system.registered' then e.subject_id else e.data->>'systemId' end as system_id,
             row_number() over (partition by e.action order by e.seq) as rn, e.seq
      from audit_events e
      where e.workspace_id = ${workspaceId} and e.action in ${sql.raw(`(${Object.keys(ACTIONS).map((a) => `'${a}'`).join(', ')})`)}
        and e.occurred_at >= ${start.toISOString()}::timestamptz and e.occurred_at < ${end.toISOString()}::timestamptz
    ) x where rn <= ${N} order by seq`);
  const listed = rowsOf<{ action: string; system_id: string | null }>(firstEvents)
    .map((e) => ({ action: e.action, systemId: Number(e.system_id) }))
    .filter((e) => Number.isInteger(e.systemId));
  const activityItems = await items(listed.map((e) => e.systemId));
  const activity: WeeklyDigest['activity'] = { registered: [], approved: [], rejected: [], changesRequested: [], blocked: [] };
  for (const e of listed) {
    const found = activityItems.get(e.systemId);
    if (found) activity[ACTIONS[e.action as keyof typeof ACTIONS]].push(found);
  }
  const eventCount = (action: keyof typeof ACTIONS) => Number(perAction.find((p) => p.action === action)?.n ?? 0);

  // Waiting: pending approvals (oldest first), with the roles still to decide.
  const pendingWhere = and(eq(approvalRequests.workspaceId, workspaceId), eq(approvalRequests.status, 'pending'));
  const pendingTotal = await countOf(db, approvalRequests, pendingWhere);
  const pending = await db
    .select({ id: approvalRequests.id, systemId: approvalRequests.systemId, createdAt: approvalRequests.createdAt })
    .from(approvalRequests)
    .where(pendingWhere)
    .orderBy(asc(approvalRequests.createdAt), asc(approvalRequests.id))
    .limit(N);
  const pendingSteps = pending.length
    ? await db
        .select({ requestId: approvalSteps.requestId, role: approvalSteps.role })
        .from(approvalSteps)
        .where(and(inArray(approvalSteps.requestId, pending.map((p) => p.id)), eq(approvalSteps.status, 'pending')))
        .orderBy(asc(approvalSteps.position))
    : [];
  const pendingItems = await items(pending.map((p) => p.systemId));

  // Reviews of approved systems: overdue (due before the end) and due within DIGEST_REVIEW_DAYS.
  const horizon = new Date(end.getTime() + DIGEST_REVIEW_DAYS * DAY_MS);
  const openReviews = (range: SQL | undefined) =>
    and(eq(reviews.workspaceId, workspaceId), eq(reviews.status, 'open'), eq(aiSystems.status, 'approved'), range);
  const reviewList = async (range: SQL | undefined) => {
    const [total] = await db.select({ n: count() }).from(reviews).innerJoin(aiSystems, eq(aiSystems.id, reviews.systemId)).where(openReviews(range));
    const rows = await db
      .select({ ...ITEM, dueAt: reviews.dueAt })
      .from(reviews)
      .innerJoin(aiSystems, eq(aiSystems.id, reviews.systemId))
      .innerJoin(people, eq(people.id, aiSystems.ownerId))
      .where(openReviews(range))
      .orderBy(asc(reviews.dueAt), asc(reviews.id))
      .limit(N);
    return { total: Number(total?.n ?? 0), rows };
  };
  const overdue = await reviewList(lt(reviews.dueAt, end));
  const dueSoon = await reviewList(and(gte(reviews.dueAt, end), lte(reviews.dueAt, horizon)));

  // Systems of note, by reference.
  const notRetired = ne(aiSystems.status, 'retired');
  const assessedInPeriod = sql`exists (select 1 from ${assessments} a where a.system_id = ${aiSystems.id} and a.workspace_id = ${workspaceId}
    and a.created_at >= ${start.toISOString()}::timestamptz and a.created_at < ${end.toISOString()}::timestamptz)`;
  const hiddenAi = await systemList(db, workspaceId, and(eq(aiSystems.usageStatus, 'in_use'), gte(aiSystems.createdAt, start), lt(aiSystems.createdAt, end)));
  const highRisk = await systemList(db, workspaceId, and(eq(aiSystems.riskClass, 'high'), assessedInPeriod));
  const prohibited = await systemList(db, workspaceId, and(eq(aiSystems.riskClass, 'prohibited'), assessedInPeriod));
  const retriage = await systemList(db, workspaceId, and(notRetired, isNotNull(aiSystems.retriageNeededAt)));

  // The inventory (systems not retired), counted in SQL.
  const inventoryWhere = and(eq(aiSystems.workspaceId, workspaceId), notRetired);
  const total = await countOf(db, aiSystems, inventoryWhere);
  const riskKey = sql<string>`coalesce(${aiSystems.riskClass}, 'unclassified')`;
  const deptKey = sql<string>`coalesce(nullif(btrim(${aiSystems.department}), ''), 'unspecified')`;
  const byRisk = await db.select({ key: riskKey, count: count() }).from(aiSystems).where(inventoryWhere).groupBy(riskKey);
  const byDept = await db.select({ key: deptKey, count: count() }).from(aiSystems).where(inventoryWhere).groupBy(deptKey);

  const stuck = await stuckStepsOf(db, policy, workspaceId, items);
  const untreated = await untreatedRisksOf(db, workspaceId, null, { acceptBelow: policy.risk.acceptBelow });
  const untreatedSystems = await systemList(db, workspaceId, untreated.length ? inArray(aiSystems.id, [...new Set(untreated.map((u) => u.systemId))]) : sql`false`);

  const eventsTotal = perAction.reduce((sum, p) => sum + Number(p.n), 0);
  const digest: WeeklyDigest = {
    workspaceId,
    organization: policy.organization.name,
    timezone: tz,
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    periodLabel: `${localDate(start, tz)} – ${localDate(new Date(end.getTime() - 1), tz)}`,
    quiet: eventsTotal === 0,
    counts: {
      registrations: eventCount('system.registered'),
      approvals: eventCount('request.approved'),
      rejections: eventCount('request.rejected'),
      changesRequested: eventCount('request.changes_requested'),
      blocked: eventCount('approval.blocked'),
    },
    activity,
    pendingApprovals: pending.flatMap((p) => {
      const it = pendingItems.get(p.systemId);
      if (!it) return [];
      const ageHours = Math.floor((end.getTime() - p.createdAt.getTime()) / HOUR_MS);
      return [{ ...it, requestId: p.id, ageHours, ageDays: Math.floor(ageHours / 24), waitingFor: pendingSteps.filter((s) => s.requestId === p.id).map((s) => s.role) }];
    }),
    reviewsDueSoon: dueSoon.rows.map((r) => ({ ...toItem(r), dueAt: r.dueAt.toISOString(), dueInDays: Math.ceil((r.dueAt.getTime() - end.getTime()) / DAY_MS) })),
    reviewsOverdue: overdue.rows.map((r) => ({ ...toItem(r), dueAt: r.dueAt.toISOString(), overdueDays: Math.floor((end.getTime() - r.dueAt.getTime()) / DAY_MS) })),
    inventory: {
      total,
      byRiskClass: sortCounts(byRisk),
      byDepartment: sortCounts(byDept),
    },
    hiddenAi: hiddenAi.items,
    highRisk: highRisk.items,
    prohibited: prohibited.items,
    retriageNeeded: retriage.items,
    stuckSteps: stuck.items,
    untreatedHighRisks: untreatedSystems.items,
    untreatedRiskCount: untreated.length,
    totals: {
      pendingApprovals: pendingTotal,
      reviewsDueSoon: dueSoon.total,
      reviewsOverdue: overdue.total,
      hiddenAi: hiddenAi.total,
      highRisk: highRisk.total,
      prohibited: prohibited.total,
      retriageNeeded: retriage.total,
      stuckSteps: stuck.total,
      untreatedHighRisks: untreatedSystems.total,
    },
    tasks: await taskDigest(db, policy, workspaceId, start, end),
    discovery: await discoveryDigest(db, workspaceId),
    objectives: await objectiveDigest(db, policy, workspaceId, end),
    nonconformities: await ncDigest(db, workspaceId, end),
  };
  const surveys = await surveyDigest(db, policy, workspaceId);
  if (surveyDigestLines(surveys).length > 0) digest.surveys = surveys;
  return digest;
}

async function countOf(db: Db, table: typeof aiSystems | typeof approvalRequests, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return Number(row?.n ?? 0);
}

/** The systems of a workspace matching `where`: how many, and the first N by reference. */
async function systemList(db: Db, workspaceId: number, where: SQL | undefined): Promise<{ total: number; items: DigestItem[] }> {
  const all = and(eq(aiSystems.workspaceId, workspaceId), where);
  const total = await countOf(db, aiSystems, all);
  if (total === 0) return { total, items: [] };
  const rows = await db.select(ITEM).from(aiSystems).innerJoin(people, eq(people.id, aiSystems.ownerId)).where(all).orderBy(asc(aiSystems.refNumber)).limit(DIGEST_LIST_LIMIT);
  return { total, items: rows.map(toItem) };
}

/** Digest items of the given systems (a bounded list), by system id. */
async function itemsById(db: Db, workspaceId: number, ids: number[]): Promise<Map<number, DigestItem>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select(ITEM)
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.id, unique)));
  return new Map(rows.map((r) => [r.id, toItem(r)]));
}

/** Counts largest first, then by name. */
function sortCounts(rows: Array<{ key: string; count: number }>): DigestCount[] {
  return rows.map((r) => ({ key: r.key, count: Number(r.count) })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Requests examined per page when looking for stuck steps. */
const STUCK_PAGE = 500;

/** The steps of open and blocked requests that nobody can decide, as the policy stands now. */
async function stuckStepsOf(
  db: Db,
  policy: Policy,
  workspaceId: number,
  items: (ids: number[]) => Promise<Map<number, DigestItem>>,
): Promise<{ total: number; items: NonNullable<WeeklyDigest['stuckSteps']> }> {
  const out: NonNullable<WeeklyDigest['stuckSteps']> = [];
  let total = 0;
  let after = 0;
  let context: { platform: string; index: Awaited<ReturnType<typeof peopleIndex>> } | null = null;
  // Keyset pages of open requests: every one is examined, at most N are listed.
  for (;;) {
    const open = await db
      .select({ id: approvalRequests.id, systemId: approvalRequests.systemId, submittedById: approvalRequests.submittedById })
      .from(approvalRequests)
      .where(and(eq(approvalRequests.workspaceId, workspaceId), inArray(approvalRequests.status, ['pending', 'blocked']), gt(approvalRequests.id, after)))
      .orderBy(asc(approvalRequests.id))
      .limit(STUCK_PAGE);
    if (open.length === 0) break;
    after = open[open.length - 1]!.id;
    if (!context) {
      const [ws] = await db.select({ platform: workspaces.platform }).from(workspaces).where(eq(workspaces.id, workspaceId));
      context = { platform: ws?.platform ?? 'shell', index: await peopleIndex(db, workspaceId) };
    }
    const steps = await db
      .select()
      .from(approvalSteps)
      .where(inArray(approvalSteps.requestId, open.map((r) => r.id)))
      .orderBy(asc(approvalSteps.position));
    const found: Array<{ systemId: number; requestId: number; stepId: number; role: string; why: string }> = [];
    for (const r of open) {
      const mine = steps.filter((s) => s.requestId === r.id);
      // Fallbacks were applied when the request opened; what is still stuck now is stuck.
      const analysis = analyseDeciders(policy, context.platform, mine, r.submittedById, context.index, false);
      for (const s of analysis.stuck) {
        const group = mine.find((x) => x.id === s.stepId)?.groupName ?? s.role;
        found.push({ systemId: r.systemId, requestId: r.id, stepId: s.stepId, role: s.role, why: stuckReasonText(s.reason, s.role, group) });
      }
    }
    total += found.length;
    const room = found.slice(0, Math.max(0, DIGEST_LIST_LIMIT - out.length));
    if (room.length > 0) {
      const named = await items(room.map((f) => f.systemId));
      for (const f of room) {
        const it = named.get(f.systemId);
        if (it) out.push({ ...it, requestId: f.requestId, stepId: f.stepId, role: f.role, why: f.why });
      }
    }
    if (open.length < STUCK_PAGE) break;
  }
  return { total, items: out };
}

