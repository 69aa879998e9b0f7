/**
 * Creating a task (`T-12`, spec/aims.md): shared by every area that turns work into tasks
 * (obligations of approved systems, risk treatments, evidence requests, corrective actions).
 * Runs inside the caller's transaction, with its audit event; a task with a `dedupeKey` that
 * already exists in the workspace is not created twice (the existing one is returned).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tasks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { lockWorkspace, takeNumbers, taskRef } from '../refs';

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
  return (await createTasks(tx, [input]))[0]!;
}

/**
 * Creates the tasks of one workspace at once (the obligations of an approved system): one look-up
 * of the dedupe keys, one block of numbers, one insert, and a `task.created` event each. A task
 * whose `dedupeKey` exists already is returned as it is. Results are in the order of `inputs`.
 */
export async function createTasks(tx: Db, inputs: readonly NewTask[]): Promise<Array<{ task: TaskRow; created: boolean }>> {
  if (inputs.length === 0) return [];
  const workspaceId = inputs[0]!.workspaceId;
  if (inputs.some((i) => i.workspaceId !== workspaceId)) throw new Error('createTasks: tasks of one workspace at a time');
  // Two transactions creating the same task (two approvals at once both owing the workspace's
  // AI literacy task) are put in line here, so the second sees the first's task.
  await lockWorkspace(tx, workspaceId);
  const keys = [...new Set(inputs.map((i) => i.dedupeKey).filter((k): k is string => !!k))];
  const existing = new Map<string, TaskRow>();
  if (keys.length) {
    for (const t of await tx.select().from(tasks).where(and(eq(tasks.workspaceId, workspaceId), inArray(tasks.dedupeKey, keys)))) existing.set(t.dedupeKey!, t);
  }
  // A key given twice in one call is created once.
  const fresh: NewTask[] = [];
  const seen = new Set<string>();
  for (const i of inputs) {
    if (i.dedupeKey && (existing.has(i.dedupeKey) || seen.has(i.dedupeKey))) continue;
    if (i.dedupeKey) seen.add(i.dedupeKey);
    fresh.push(i);
  }
  const made = new Map<NewTask, TaskRow>();
  if (fresh.length) {
    // The workspace is locked above: take the block without locking again.
    const first = await takeNumbers(tx, workspaceId, 'task', fresh.length);
    const rows = await tx
      .insert(tasks)
      .values(
        fresh.map((input, k) => ({
          workspaceId,
          number: first + k,
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
        })),
      )
      .returning();
    const byNumber = new Map(rows.map((r) => [r.number, r]));
    for (const [k, input] of fresh.entries()) {
      const task = byNumber.get(first + k)!;
      made.set(input, task);
      await appendAudit(tx, {
        workspaceId,
        actor: input.actor,
        action: 'task.created',
        subjectType: 'task',
        subjectId: taskRef(task.number),
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
    }
  }
  return inputs.map((input) => {
    const task = made.get(input);
    if (task) return { task, created: true };
    const key = input.dedupeKey!;
    // Given twice in this call: the first one made it.
    const twin = existing.get(key) ?? [...made.entries()].find(([i]) => i.dedupeKey === key)![1];
    return { task: twin, created: false };
  });
}
