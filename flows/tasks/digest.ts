/**
 * The tasks part of the weekly digest: how many open tasks are overdue (the most overdue few
 * named) and which tasks were marked not applicable in the period, with the reason — so
 * compliance sees every "does not apply" decision.
 */
import { and, count, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Policy } from '../policy';
import { localDate } from '../jobs/time';
import { tasks } from '../../db/schema-aims';
import { loadTaskViews } from './view';

/** A task named in the digest. */
export interface TaskDigestItem {
  ref: string;
  title: string;
  /** `AI-3 "Name"`, or null for a workspace task. */
  system: string | null;
  assignee: string;
  dueDate: string;
  overdueDays: number;
  /** Who marked it not applicable (`aimsbot` after a re-triage or retirement) and why. */
  by: string | null;
  reason: string | null;
}

/** Overdue tasks and tasks marked not applicable in the period. */
export interface TaskDigest {
  overdue: number;
  /** The most overdue, at most {@link TASK_DIGEST_TOP}. */
  overdueTop: TaskDigestItem[];
  notApplicable: number;
  /** At most {@link TASK_DIGEST_NA_LIMIT}. */
  notApplicableList: TaskDigestItem[];
}

/** Overdue tasks named in the digest. */
export const TASK_DIGEST_TOP = 5;
/** Tasks marked not applicable named in the digest. */
export const TASK_DIGEST_NA_LIMIT = 20;

/** The tasks part of the digest of a workspace for [start, end). */
export async function taskDigest(db: Db, policy: Policy, workspaceId: number, start: Date, end: Date): Promise<TaskDigest> {
  const tz = policy.organization.timezone;
  const today = localDate(end, tz);
  const overdueWhere = and(eq(tasks.status, 'open'), lt(tasks.dueDate, today));
  const naWhere = and(eq(tasks.status, 'not_applicable'), gte(tasks.closedAt, start), lt(tasks.closedAt, end));
  const [overdue] = await db.select({ n: count() }).from(tasks).where(and(eq(tasks.workspaceId, workspaceId), overdueWhere));
  const [na] = await db.select({ n: count() }).from(tasks).where(and(eq(tasks.workspaceId, workspaceId), naWhere));
  const item = (t: Awaited<ReturnType<typeof loadTaskViews>>[number]): TaskDigestItem => ({
    ref: t.ref,
    title: t.title,
    system: t.system ? `${t.system.ref} "${t.system.name}"` : null,
    assignee: t.assigneeLabel,
    dueDate: t.dueDate,
    overdueDays: t.overdueDays,
    by: t.closedBy,
    reason: t.reason,
  });
  // Soonest due first is most overdue first.
  const top = await loadTaskViews(db, workspaceId, overdueWhere, today, tz, TASK_DIGEST_TOP);
  const list = await loadTaskViews(db, workspaceId, naWhere, today, tz, TASK_DIGEST_NA_LIMIT);
  return { overdue: Number(overdue?.n ?? 0), overdueTop: top.map(item), notApplicable: Number(na?.n ?? 0), notApplicableList: list.map(item) };
}

/** The tasks part as plain lines (each adapter escapes them); none when there is nothing to say. */
export function taskDigestLines(t: TaskDigest | undefined): string[] {
  if (!t) return [];
  const out: string[] = [];
  const name = (i: TaskDigestItem) => `${i.ref} ${i.title}${i.system ? ` (${i.system})` : ''}`;
  if (t.overdue > 0) {
    out.push(`Overdue tasks (${t.overdue}):`);
    for (const i of t.overdueTop) out.push(`  ${name(i)} — ${i.overdueDays} day${i.overdueDays === 1 ? '' : 's'} overdue, ${i.assignee}`);
    if (t.overdue > t.overdueTop.length) out.push(`  …and ${t.overdue - t.overdueTop.length} more (tasks overdue)`);
  }
  if (t.notApplicable > 0) {
    out.push(`Tasks marked not applicable this week (${t.notApplicable}):`);
    for (const i of t.notApplicableList) out.push(`  ${name(i)} — by ${i.by ?? 'someone'}: ${(i.reason ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
    if (t.notApplicable > t.notApplicableList.length) out.push(`  …and ${t.notApplicable - t.notApplicableList.length} more (export tasks)`);
  }
  return out;
}
