/**
 * The task-reminders job (spec/aims.md), with the rules of review-reminders: open tasks due
 * within `tasks.remindBeforeDays` get a reminder to the assignee (a person, or the digest
 * channel for a group's task), repeated every `reviews.repeatEveryDays` until the task is
 * closed; once a task is `tasks.escalateAfterDays` overdue, compliance (the assignee's approver
 * group) is told once in the digest channel and the reminder says so.
 *
 * Due dates are days in the policy's time zone. Everything due is derived from Postgres, so a
 * run after an outage sends one reminder per task, not one per missed day. Set-based: tasks are
 * read in pages of {@link PAGE} (keyset on id) and each page is written in one transaction with
 * three statements — the counters (only where they still hold what was read), the
 * notifications (ON CONFLICT DO NOTHING on the dedupe key) and the audit events.
 */
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { JobDeps, JobReport } from '../jobs/common';
import { auditTime, plural } from '../jobs/common';
import { DAY_MS, localDate, nextAllowedTime } from '../jobs/time';
import type { NotificationInput } from '../outbox';
import { enqueueMany } from '../outbox';
import { taskRef } from '../refs';
import { systemRef } from '../views';
import { addDays } from './obligations';
import { daysBetween } from './view';

/**
 * Payload of `task.reminder` → {person: assignee} or {channel: 'digest'} for a group's task:
 * the task with Done / Not applicable (Slack action ids `task.done`, `task.not_applicable`,
 * value = `ref`; Teams `data.action` the same).
 */
export interface TaskReminderPayload {
  [key: string]: unknown;
  taskId: number;
  /** `T-12` */
  ref: string;
  title: string;
  system: { ref: string; name: string } | null;
  /** Group the task is for, when it is a group's. */
  group: string | null;
  /** `YYYY-MM-DD` */
  dueDate: string;
  overdueDays: number;
  dueInDays: number;
  reminderNumber: number;
  escalated: boolean;
  text: string;
}

/** Payload of `task.escalation` → {channel: 'digest'}: compliance is told of an overdue task. */
export interface TaskEscalationPayload {
  [key: string]: unknown;
  taskId: number;
  ref: string;
  title: string;
  system: { ref: string; name: string } | null;
  assignee: string;
  dueDate: string;
  overdueDays: number;
  text: string;
}

/** Tasks read and written per transaction. */
const PAGE = 2000;

type Due = {
  t: typeof tasks.$inferSelect;
  system: { refNumber: number; name: string } | null;
  assignee: { displayName: string | null; platformId: string } | null;
};
type Plan = { id: number; prev: number; next: number; escalate: boolean; notifications: NotificationInput[]; audit: AuditInput | null };

/** Runs the job as of `now` in every workspace. */
export async function runTaskReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const tz = policy.organization.timezone;
  const today = localDate(now, tz);
  const horizon = addDays(today, policy.tasks.remindBeforeDays);
  const shared = { today, notBefore: nextAllowedTime(policy, now), at: auditTime(deps) };
  let enqueued = 0;
  let examined = 0;
  let after = 0;
  for (;;) {
    const page: Due[] = await db
      .select({
        t: tasks,
        system: { refNumber: aiSystems.refNumber, name: aiSystems.name },
        assignee: { displayName: people.displayName, platformId: people.platformId },
      })
      .from(tasks)
      .leftJoin(aiSystems, eq(aiSystems.id, tasks.systemId))
      .leftJoin(people, eq(people.id, tasks.assigneeId))
      .where(and(eq(tasks.status, 'open'), lte(tasks.dueDate, horizon), gt(tasks.id, after)))
      .orderBy(asc(tasks.id))
      .limit(PAGE);
    if (page.length === 0) break;
    examined += page.length;
    after = page[page.length - 1]!.t.id;
    const plans = page.map((d) => planTask(deps, d, now, shared)).filter((p): p is Plan => p !== null);
    if (plans.length > 0) enqueued += await db.transaction((tx) => writePlans(tx, plans, now));
    if (page.length < PAGE) break;
  }
  return { enqueued, examined };
}

/** Counters first; only tasks whose counters still hold what was read get notifications and audit events. */
async function writePlans(tx: Db, plans: Plan[], now: Date): Promise<number> {
  const counters = plans.map((p) => ({ id: p.id, prev: p.prev, next: p.next, escalate: p.escalate }));
  const at = now.toISOString();
  const won = await tx.execute<{ id: number }>(sql`
    update tasks t
    set reminders_sent = v.next, last_reminded_at = ${at}::timestamptz,
        escalated_at = case when v.escalate then ${at}::timestamptz else t.escalated_at end
    from jsonb_to_recordset(${JSON.stringify(counters)}::jsonb) as v(id integer, prev integer, next integer, escalate boolean)
    where t.id = v.id and t.reminders_sent = v.prev and t.status = 'open'
    returning t.id`);
  const rows = Array.isArray(won) ? (won as Array<{ id: number }>) : ((won as unknown as { rows: Array<{ id: number }> }).rows ?? []);
  const ids = new Set(rows.map((w) => Number(w.id)));
  const mine = plans.filter((p) => ids.has(p.id));
  const written = (await enqueueMany(tx, mine.flatMap((p) => p.notifications))).length;
  await appendAuditBatch(tx, mine.flatMap((p) => (p.audit ? [p.audit] : [])));
  return written;
}

/** Decides what one due task needs as of `now`, or null for nothing. */
function planTask(deps: JobDeps, d: Due, now: Date, shared: { today: string; notBefore: Date; at: Date }): Plan | null {
  const { t } = d;
  const p = deps.policy;
  const late = daysBetween(t.dueDate, shared.today);
  const overdueDays = Math.max(0, late);
  const dueInDays = Math.max(0, -late);
  const escalateNow = overdueDays > 0 && overdueDays >= p.tasks.escalateAfterDays && t.escalatedAt === null;
  const repeatDue = t.lastRemindedAt === null || t.lastRemindedAt.getTime() + p.reviews.repeatEveryDays * DAY_MS <= now.getTime();
  if (!(t.remindersSent === 0 || repeatDue || escalateNow)) return null;

  const ref = taskRef(t.number);
  const system = d.system ? { ref: systemRef(d.system.refNumber), name: d.system.name } : null;
  const about = `${ref} "${t.title}"${system ? ` of ${system.ref} "${system.name}"` : ''}`;
  const assignee = d.assignee ? (d.assignee.displayName ?? d.assignee.platformId) : (t.assigneeGroup ?? 'nobody');
  const escalated = escalateNow || t.escalatedAt !== null;
  const n = t.remindersSent + 1;
  const when = overdueDays > 0 ? `was due on ${t.dueDate} and is ${plural(overdueDays, 'day')} overdue` : late === 0 ? `is due today (${t.dueDate})` : `is due on ${t.dueDate} (in ${plural(dueInDays, 'day')})`;
  const reminder: TaskReminderPayload = {
    taskId: t.id,
    ref,
    title: t.title,
    system,
    group: t.assigneeId === null ? t.assigneeGroup : null,
    dueDate: t.dueDate,
    overdueDays,
    dueInDays,
    reminderNumber: n,
    escalated,
    text:
      `Task ${about}${t.assigneeId === null ? ` for ${assignee}` : ''} ${when}. Mark it done with evidence, or not applicable with a reason.` +
      (escalated ? ' The task is overdue and compliance has been told.' : '') +
      (n > 1 ? ` (reminder ${n})` : ''),
  };
  const notifications: NotificationInput[] = [
    {
      workspaceId: t.workspaceId,
      dedupeKey: `task.reminder:${t.id}:${t.dueDate}:${n}`,
      kind: 'task.reminder',
      recipient: t.assigneeId !== null ? { person: t.assigneeId } : { channel: 'digest' },
      payload: reminder,
      notBefore: shared.notBefore,
    },
  ];
  let audit: AuditInput | null = null;
  if (escalateNow) {
    const escalation: TaskEscalationPayload = {
      taskId: t.id,
      ref,
      title: t.title,
      system,
      assignee,
      dueDate: t.dueDate,
      overdueDays,
      text: `Overdue task: ${about} (assignee ${assignee}) was due on ${t.dueDate} and is ${plural(overdueDays, 'day')} overdue.`,
    };
    notifications.push({
      workspaceId: t.workspaceId,
      dedupeKey: `task.escalation:${t.id}:${t.dueDate}`,
      kind: 'task.escalation',
      recipient: { channel: 'digest' },
      payload: escalation,
      notBefore: shared.notBefore,
    });
    audit = {
      workspaceId: t.workspaceId,
      actor: 'system',
      action: 'task.escalated',
      subjectType: 'task',
      subjectId: ref,
      data: { dueDate: t.dueDate, overdueDays, asOf: now.toISOString() },
      at: shared.at,
    };
  }
  return { id: t.id, prev: t.remindersSent, next: n, escalate: escalateNow, notifications, audit };
}
