/**
 * `export tasks`: every task with its assignee, due date, status, evidence or reason and who
 * closed it, per workspace by number, read in pages (keyset on the task number). Filters like
 * the other exports: `--since`/`--until` select tasks created or changed in range, `--ref AI-n`
 * the tasks of those systems. Keys are snake_case; CSV cells are made formula-safe by `toCsv`.
 */
import { and, asc, eq, gt, gte, inArray, lte, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { localDateTime } from '../display';
import type { ExportOptions } from '../export-filter';
import { taskRef } from '../refs';
import { systemRef } from '../views';

/** One task as exported (JSON keeps these types; CSV writes each as text). */
export interface TaskRecord {
  workspace: string;
  ref: string;
  kind: string;
  title: string;
  detail: string;
  system: string | null;
  system_name: string | null;
  assignee: string | null;
  assignee_email: string | null;
  assignee_group: string | null;
  due_date: string;
  status: string;
  evidence: string | null;
  reason: string | null;
  closed_by: string | null;
  closed_at: string | null;
  closed_at_local: string | null;
  reminders_sent: number;
  escalated_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The CSV columns of `export tasks`, in order. */
export const TASK_COLUMNS = [
  'workspace', 'ref', 'kind', 'title', 'detail', 'system', 'system_name', 'assignee', 'assignee_email', 'assignee_group', 'due_date', 'status',
  'evidence', 'reason', 'closed_by', 'closed_at', 'closed_at_local', 'reminders_sent', 'escalated_at', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof TaskRecord>;

const assignee = alias(people, 'assignee');
const closer = alias(people, 'closer');

/** The task records of every workspace (or `o.workspaceId`), page by page. */
export async function* taskRecordPages(db: Db, o: ExportOptions = {}, batchSize = 1000): AsyncGenerator<TaskRecord[]> {
  const tz = o.timezone ?? 'UTC';
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  for (const w of spaces) {
    for (let after = 0; ; ) {
      const rows = await db
        .select({
          t: tasks,
          system: { refNumber: aiSystems.refNumber, name: aiSystems.name },
          assignee: { platformId: assignee.platformId, displayName: assignee.displayName, email: assignee.email },
          closer: { platformId: closer.platformId, displayName: closer.displayName },
        })
        .from(tasks)
        .leftJoin(aiSystems, eq(aiSystems.id, tasks.systemId))
        .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
        .leftJoin(closer, eq(closer.id, tasks.closedById))
        .where(
          and(
            eq(tasks.workspaceId, w.id),
            gt(tasks.number, after),
            o.refs?.length ? inArray(aiSystems.refNumber, [...o.refs]) : undefined,
            // Created or changed in range: either instant inside it.
            o.since ? or(gte(tasks.createdAt, o.since), gte(tasks.updatedAt, o.since)) : undefined,
            o.until ? lte(tasks.createdAt, o.until) : undefined,
          ),
        )
        .orderBy(asc(tasks.number))
        .limit(batchSize);
      const page = rows.map(({ t, system, assignee: a, closer: c }): TaskRecord => ({
        workspace: `${w.platform}:${w.externalId}`,
        ref: taskRef(t.number),
        kind: t.kind,
        title: t.title,
        detail: t.detail,
        system: system ? systemRef(system.refNumber) : null,
        system_name: system?.name ?? null,
        assignee: a ? (a.displayName ?? a.platformId) : null,
        assignee_email: a?.email ?? null,
        assignee_group: t.assigneeGroup,
        due_date: t.dueDate,
        status: t.status,
        evidence: t.evidence,
        reason: t.reason,
        closed_by: t.closedAt ? (c ? (c.displayName ?? c.platformId) : 'aimsbot') : null,
        closed_at: t.closedAt?.toISOString() ?? null,
        closed_at_local: t.closedAt ? localDateTime(t.closedAt, tz) : null,
        reminders_sent: t.remindersSent,
        escalated_at: t.escalatedAt?.toISOString() ?? null,
        created_at: t.createdAt.toISOString(),
        updated_at: t.updatedAt.toISOString(),
      }));
      if (page.length > 0) yield page;
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.t.number;
    }
  }
}
