/**
 * The neutral view of a task, read by every adapter (`tasks` lists, Done / Not applicable
 * answers, reminders) and by the export: ids as the spec names them, dates as local days.
 */
import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { localDate } from '../jobs/time';
import { taskRef } from '../refs';
import { systemRef } from '../views';

/** One task as people see it. */
export interface TaskView {
  id: number;
  /** `T-12` */
  ref: string;
  /** obligation | risk_treatment | evidence_request | corrective_action | review_action */
  taskKind: string;
  title: string;
  /** Legal reference and duty, e.g. `Art. 27 (deployer duty)`. */
  detail: string;
  /** The system it belongs to, when there is one. */
  system: { id: number; ref: string; name: string } | null;
  /** The person it is for (`people.id`), or null for a group task. */
  assigneeId: number | null;
  /** Platform id of that person (`slack:U1`), for mentions. */
  assigneePlatformId: string | null;
  /** The group it is for, e.g. `compliance`. */
  assigneeGroup: string | null;
  /** The person's name or the group's, e.g. `Bob` or `compliance`. */
  assigneeLabel: string;
  /** `YYYY-MM-DD` */
  dueDate: string;
  status: 'open' | 'done' | 'not_applicable';
  /** Whole days past due on the day the view was built (0 when not overdue or closed). */
  overdueDays: number;
  evidence: string | null;
  reason: string | null;
  closedBy: string | null;
  /** `YYYY-MM-DD` in the policy's time zone. */
  closedOn: string | null;
  createdAt: Date;
}

const assignee = alias(people, 'assignee');
const closer = alias(people, 'closer');

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Tasks of a workspace matching `where`, as views, soonest due first. */
export async function loadTaskViews(db: Db, workspaceId: number, where: SQL | undefined, today: string, tz: string, limit = 1000, offset = 0): Promise<TaskView[]> {
  const rows = await db
    .select({
      t: tasks,
      system: { id: aiSystems.id, refNumber: aiSystems.refNumber, name: aiSystems.name },
      assignee: { platformId: assignee.platformId, displayName: assignee.displayName },
      closer: { platformId: closer.platformId, displayName: closer.displayName },
    })
    .from(tasks)
    .leftJoin(aiSystems, eq(aiSystems.id, tasks.systemId))
    .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
    .leftJoin(closer, eq(closer.id, tasks.closedById))
    .where(and(eq(tasks.workspaceId, workspaceId), where))
    .orderBy(tasks.dueDate, tasks.number)
    .limit(limit)
    .offset(offset);
  return rows.map(({ t, system, assignee: a, closer: c }) => ({
    id: t.id,
    ref: taskRef(t.number),
    taskKind: t.kind,
    title: t.title,
    detail: t.detail,
    system: system ? { id: system.id, ref: systemRef(system.refNumber), name: system.name } : null,
    assigneeId: t.assigneeId,
    assigneePlatformId: a?.platformId ?? null,
    assigneeGroup: t.assigneeGroup,
    assigneeLabel: a ? (a.displayName ?? a.platformId) : (t.assigneeGroup ?? 'nobody'),
    dueDate: t.dueDate,
    status: t.status as TaskView['status'],
    overdueDays: t.status === 'open' ? Math.max(0, daysBetween(t.dueDate, today)) : 0,
    evidence: t.evidence,
    reason: t.reason,
    closedBy: t.closedAt ? (c ? (c.displayName ?? c.platformId) : 'aimsbot') : null,
    closedOn: t.closedAt ? localDate(t.closedAt, tz) : null,
    createdAt: t.createdAt,
  }));
}

/** One task by its `T-n` number, as a view. */
export async function loadTaskView(db: Db, workspaceId: number, number: number, today: string, tz: string): Promise<TaskView | null> {
  const [v] = await loadTaskViews(db, workspaceId, eq(tasks.number, number), today, tz, 1);
  return v ?? null;
}

/**
 * Whether a task is still open: a reminder or escalation written before the task was closed is
 * not sent. Scoped to the notification's workspace.
 */
export async function taskIsOpen(db: Db, workspaceId: number, taskId: unknown): Promise<boolean> {
  if (typeof taskId !== 'number') return false;
  const [t] = await db.select({ status: tasks.status }).from(tasks).where(and(eq(tasks.id, taskId), eq(tasks.workspaceId, workspaceId)));
  return t?.status === 'open';
}
