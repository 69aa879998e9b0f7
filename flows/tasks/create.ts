/**
 * Creating a task (`T-12`, spec/aims.md): shared by every area that turns work into tasks
 * (obligations of approved systems, risk treatments, evidence requests, corrective actions).
 * Runs inside the caller's transaction, with its audit event; a task with a `dedupeKey` that
 * already exists in the workspace is not created twice (the existing one is returned).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tasks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { lockWorkspace, nextNumber, taskRef } from '../refs';

/** What kind of work a task is. */
export type TaskKind = 'obligation' | 'risk_treatment' | 'evidence_request' | 'corrective_action' | 'review_action';
/** What a task is about. */
export type TaskSubject = 'system' | 'risk' | 'finding' | 'nc' | 'audit' | 'review';
/** A task row as stored. */
export type TaskRow = typeof tasks.$inferSelect;

/** What a caller gives to create a task. */
export interface NewTask {
  workspaceId: number;
  kind: TaskKind;
  subjectType: TaskSubject;
  subjectId: number;
  systemId?: number | null;
  dedupeKey?: string | null;
  title: string;
  detail?: string;
  /** A person (people.id), or a group of the policy; one of the two. */
  assigneeId?: number | null;
  assigneeGroup?: string | null;
  /** `YYYY-MM-DD` */
  dueDate: string;
  /** Platform id of who caused it, or `system`. */
  actor: string;
  at: Date;
}

/** Creates the task (or returns the one with the same `dedupeKey`) with a `task.created` event. */
export async function createTask(tx: Db, input: NewTask): Promise<{ task: TaskRow; created: boolean }> {
  // Two transactions creating the same task (two approvals at once both owing the workspace's
  // AI literacy task) are put in line here, so the second sees the first's task.
  await lockWorkspace(tx, input.workspaceId);
  if (input.dedupeKey) {
    const [existing] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.workspaceId, input.workspaceId), eq(tasks.dedupeKey, input.dedupeKey)));
    if (existing) return { task: existing, created: false };
  }
  const number = await nextNumber(tx, input.workspaceId, 'task');
  const [task] = await tx
    .insert(tasks)
    .values({
      workspaceId: input.workspaceId,
      number,
      kind: input.kind,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      systemId: input.systemId ?? null,
      dedupeKey: input.dedupeKey ?? null,
      title: input.title,
      detail: input.detail ?? '',
      assigneeId: input.assigneeId ?? null,
      assigneeGroup: input.assigneeGroup ?? null,
      dueDate: input.dueDate,
      createdAt: input.at,
      updatedAt: input.at,
    })
    .returning();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: 'task.created',
    subjectType: 'task',
    subjectId: taskRef(number),
    data: {
      kind: input.kind,
      subject: `${input.subjectType}:${input.subjectId}`,
      // So `export audit --ref AI-n` finds the tasks of that system.
      systemId: input.systemId ?? null,
      title: input.title,
      assignee: input.assigneeId ?? null,
      assigneeGroup: input.assigneeGroup ?? null,
      dueDate: input.dueDate,
    },
    at: input.at,
  });
  return { task: task!, created: true };
}
