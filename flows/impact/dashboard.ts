/**
 * The compliance dashboard (Slack App Home, Teams `home` card): systems counted by class and by
 * status, high-risk systems with an untreated risk at or above the acceptance threshold, overdue
 * tasks and overdue reviews. Read-only, one workspace; lists are capped, counts are not.
 */
import { and, asc, count, eq, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { aiSystems, people } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import { riskRef, taskRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { systemRef } from '../views';
import { effectiveRiskScore, untreatedRiskCondition } from '../risks/untreated';
import { isCompliance } from './inventory';

/** How many items each list of the dashboard shows. */
export const DASHBOARD_LIST_MAX = 10;

/** A count under a key (a risk class or a status). */
export interface Tally {
  key: string;
  count: number;
}

/** A high-risk system's risk that is neither treated nor accepted, scored at or above the threshold. */
export interface DashboardRisk {
  /** `AI-3/R-1` */
  ref: string;
  systemRef: string;
  systemName: string;
  description: string;
  /** Residual score when both residual values are set, else the inherent score. */
  score: number;
  status: string;
}

/** An open task past its due date. */
export interface OverdueTask {
  ref: string;
  title: string;
  systemRef: string | null;
  dueDate: string;
  assignee: string | null;
}

/** An approved system whose review date has passed. */
export interface OverdueReview {
  ref: string;
  name: string;
  dueAt: Date;
  owner: string;
}

/** What the compliance dashboard shows. */
export interface ComplianceDashboard {
  total: number;
  /** Systems not retired, by risk class (`unclassified` when none). */
  byClass: Tally[];
  /** Every system, by status. */
  byStatus: Tally[];
  untreatedHighRisks: { count: number; items: DashboardRisk[] };
  overdueTasks: { count: number; items: OverdueTask[] };
  overdueReviews: { count: number; items: OverdueReview[] };
  /** The threshold used (policy `risk.acceptBelow`). */
  acceptBelow: number;
}

/** The dashboard; compliance only. */
export async function complianceDashboard(ctx: FlowContext): Promise<ComplianceDashboard | Refusal> {
  if (!isCompliance(ctx)) return refuse('not_authorised', 'The compliance dashboard is for members of compliance.');
  const db = ctx.deps.db;
  const ws = ctx.workspace.id;
  const now = ctx.deps.clock.now();
  const today = localDate(now, ctx.deps.policy.organization.timezone);
  const acceptBelow = ctx.deps.policy.risk.acceptBelow;

  const byClassRows = await db
    .select({ key: aiSystems.riskClass, n: count() })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, ws), ne(aiSystems.status, 'retired')))
    .groupBy(aiSystems.riskClass);
  const byStatusRows = await db.select({ key: aiSystems.status, n: count() }).from(aiSystems).where(eq(aiSystems.workspaceId, ws)).groupBy(aiSystems.status);

  const effective = effectiveRiskScore;
  const riskWhere = untreatedRiskCondition(ws, acceptBelow);
  const [riskCount] = await db.select({ n: count() }).from(risks).innerJoin(aiSystems, eq(aiSystems.id, risks.systemId)).where(riskWhere);
  const riskRows = await db
    .select({ number: risks.number, refNumber: aiSystems.refNumber, name: aiSystems.name, description: risks.description, score: effective, status: risks.status })
    .from(risks)
    .innerJoin(aiSystems, eq(aiSystems.id, risks.systemId))
    .where(riskWhere)
    .orderBy(sql`${effective} desc`, asc(aiSystems.refNumber), asc(risks.number))
    .limit(DASHBOARD_LIST_MAX);

  const taskWhere = and(eq(tasks.workspaceId, ws), eq(tasks.status, 'open'), lt(tasks.dueDate, today));
  const [taskCount] = await db.select({ n: count() }).from(tasks).where(taskWhere);
  const taskRows = await db
    .select({ number: tasks.number, title: tasks.title, dueDate: tasks.dueDate, refNumber: aiSystems.refNumber, assignee: people.displayName, assigneeId: people.platformId, group: tasks.assigneeGroup })
    .from(tasks)
    .leftJoin(aiSystems, eq(aiSystems.id, tasks.systemId))
    .leftJoin(people, eq(people.id, tasks.assigneeId))
    .where(taskWhere)
    .orderBy(asc(tasks.dueDate), asc(tasks.number))
    .limit(DASHBOARD_LIST_MAX);

  const reviewWhere = and(eq(aiSystems.workspaceId, ws), eq(aiSystems.status, 'approved'), isNotNull(aiSystems.nextReviewAt), lt(aiSystems.nextReviewAt, now));
  const [reviewCount] = await db.select({ n: count() }).from(aiSystems).where(reviewWhere);
  const reviewRows = await db
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name, dueAt: aiSystems.nextReviewAt, owner: people.displayName, ownerId: people.platformId })
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .where(reviewWhere)
    .orderBy(asc(aiSystems.nextReviewAt))
    .limit(DASHBOARD_LIST_MAX);

  const byStatus = byStatusRows.map((r) => ({ key: r.key, count: Number(r.n) })).sort((a, b) => a.key.localeCompare(b.key));
  return {
    total: byStatus.reduce((s, r) => s + r.count, 0),
    byClass: byClassRows.map((r) => ({ key: r.key ?? 'unclassified', count: Number(r.n) })).sort((a, b) => a.key.localeCompare(b.key)),
    byStatus,
    untreatedHighRisks: {
      count: Number(riskCount?.n ?? 0),
      items: riskRows.map((r) => ({ ref: riskRef(systemRef(r.refNumber), r.number), systemRef: systemRef(r.refNumber), systemName: r.name, description: r.description, score: Number(r.score), status: r.status })),
    },
    overdueTasks: {
      count: Number(taskCount?.n ?? 0),
      items: taskRows.map((t) => ({ ref: taskRef(t.number), title: t.title, systemRef: t.refNumber === null ? null : systemRef(t.refNumber), dueDate: t.dueDate, assignee: t.assignee ?? t.assigneeId ?? t.group })),
    },
    overdueReviews: {
      count: Number(reviewCount?.n ?? 0),
      items: reviewRows.map((r) => ({ ref: systemRef(r.refNumber), name: r.name, dueAt: r.dueAt!, owner: r.owner ?? r.ownerId })),
    },
    acceptBelow,
  };
}
