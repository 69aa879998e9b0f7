/**
 * Obligations become tasks (issue 13, spec/aims.md): when a system is approved, each obligation
 * of its current classification is a task — provider and deployer duties for the owner,
 * organisation duties for the `compliance` group — due on the obligation's `applicableFrom`
 * (the classification's value, so the policy's `legalDates` overrides apply), or
 * `tasks.defaultDays` from today when it already applies or has no date.
 *
 * Organisation-wide duties ({@link WORKSPACE_DUTIES}: AI literacy, Art. 4) are one task per
 * workspace, not one per system: every approved system brings the same duty, and the first
 * approval creates it. That task is not tied to a system, so a re-triage or a retirement of one
 * system never closes it.
 *
 * Re-approval after a re-triage adds the new obligations, closes open obligation tasks that no
 * longer apply as `not_applicable` with the reason, and reopens a task the bot closed that way
 * when its obligation comes back. A retirement closes every open task of the system. All of it
 * runs in the transaction of the change, with audit events, and is idempotent (dedupe keys).
 */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, assessments } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { localDate } from '../jobs/time';
import type { LifecycleChange } from '../lifecycle';
import { obligationTitle } from '../obligation-text';
import { taskRef } from '../refs';
import type { Classification, Obligation } from '../triage/types';
import { systemRef } from '../views';
import { createTasks } from './create';
import type { NewTask } from './create';

/** Obligations owed once by the organisation, whatever the number of systems. */
export const WORKSPACE_DUTIES: ReadonlySet<string> = new Set(['ai_literacy']);

/** The group that carries organisation duties. */
export const ORGANISATION_GROUP = 'compliance';

/** The dedupe key of an obligation's task: per system, or per workspace for {@link WORKSPACE_DUTIES}. */
export function obligationKey(systemId: number, obligationId: string): string {
  return WORKSPACE_DUTIES.has(obligationId) ? `obligation:workspace:${obligationId}` : `obligation:${systemId}:${obligationId}`;
}

/** `YYYY-MM-DD` plus whole days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** When an obligation's task is due, seen on `today` (local `YYYY-MM-DD`). */
export function obligationDue(o: Obligation, today: string, defaultDays: number): string {
  return o.applicableFrom && o.applicableFrom > today ? o.applicableFrom : addDays(today, defaultDays);
}

type SystemRow = { id: number; workspaceId: number; refNumber: number; name: string; ownerId: number; status: string; currentAssessmentId: number | null };

async function loadSystem(tx: Db, systemId: number): Promise<SystemRow | null> {
  const [s] = await tx
    .select({
      id: aiSystems.id,
      workspaceId: aiSystems.workspaceId,
      refNumber: aiSystems.refNumber,
      name: aiSystems.name,
      ownerId: aiSystems.ownerId,
      status: aiSystems.status,
      currentAssessmentId: aiSystems.currentAssessmentId,
    })
    .from(aiSystems)
    .where(eq(aiSystems.id, systemId));
  return s ?? null;
}

async function classificationOf(tx: Db, assessmentId: number | null): Promise<Classification | null> {
  if (assessmentId === null) return null;
  const [a] = await tx.select({ result: assessments.result }).from(assessments).where(eq(assessments.id, assessmentId));
  return (a?.result as Classification | undefined) ?? null;
}

/**
 * Brings the system's obligation tasks in line with its current classification: creates the
 * missing ones, reopens those the bot closed, closes those that no longer apply.
 */
export async function syncObligationTasks(change: LifecycleChange): Promise<void> {
  const { tx, ctx, now } = change;
  const system = await loadSystem(tx, change.systemId);
  if (!system) return;
  const result = await classificationOf(tx, system.currentAssessmentId);
  if (!result) return;
  const policy = ctx.deps.policy;
  const today = localDate(now, policy.organization.timezone);
  const ref = systemRef(system.refNumber);
  const wanted = new Set<string>();
  const inputs: NewTask[] = [];
  const dueOf = new Map<string, string>();
  for (const o of result.obligations) {
    const key = obligationKey(system.id, o.id);
    wanted.add(key);
    const organisation = o.duty === 'organisation';
    const due = obligationDue(o, today, policy.tasks.defaultDays);
    dueOf.set(key, due);
    inputs.push({
      workspaceId: system.workspaceId,
      kind: 'obligation',
      subjectType: 'system',
      subjectId: system.id,
      // A workspace-wide duty belongs to no single system: retiring one must not close it.
      systemId: WORKSPACE_DUTIES.has(o.id) ? null : system.id,
      dedupeKey: key,
      title: obligationTitle(o.id),
      detail: `${o.ref}${o.duty ? ` (${o.duty} duty)` : ''}`,
      assigneeId: organisation ? null : system.ownerId,
      assigneeGroup: organisation ? ORGANISATION_GROUP : null,
      dueDate: due,
      // Caused by whoever approved (or re-triaged): their decision starts the work.
      actor: ctx.actor.platformId,
      at: now,
    });
  }
  // All of them at once: one look-up, one block of numbers, one insert.
  for (const { task, created } of await createTasks(tx, inputs)) {
    if (!created && task.status === 'not_applicable' && task.closedById === null && task.systemId !== null) {
      await reopen(tx, task.id, task.workspaceId, task.number, dueOf.get(task.dedupeKey!)!, `applies again to ${ref}`, ctx.actor.platformId, now);
    }
  }
  const stale = await tx
    .select({ id: tasks.id, dedupeKey: tasks.dedupeKey })
    .from(tasks)
    .where(and(eq(tasks.workspaceId, system.workspaceId), eq(tasks.systemId, system.id), eq(tasks.kind, 'obligation'), eq(tasks.status, 'open')));
  const gone = stale.filter((t) => t.dedupeKey !== null && t.dedupeKey.startsWith('obligation:') && !wanted.has(t.dedupeKey)).map((t) => t.id);
  await closeBySystem(tx, gone, `no longer applies after re-triage (${ref} is now ${result.riskClass})`, ctx.actor.platformId, now);
}

async function reopen(tx: Db, id: number, workspaceId: number, number: number, due: string, why: string, actor: string, now: Date): Promise<void> {
  await tx
    .update(tasks)
    .set({ status: 'open', reason: null, closedAt: null, dueDate: due, remindersSent: 0, lastRemindedAt: null, escalatedAt: null, updatedAt: now })
    .where(eq(tasks.id, id));
  await appendAudit(tx, { workspaceId, actor, action: 'task.reopened', subjectType: 'task', subjectId: taskRef(number), data: { reason: why, dueDate: due }, at: now });
}

/**
 * Closes open tasks as not applicable on the bot's behalf (`closed_by` stays empty: no person
 * judged them), each with its audit event naming who caused it (the approver, the retirer).
 */
async function closeBySystem(tx: Db, ids: number[], reason: string, actor: string, now: Date): Promise<void> {
  if (ids.length === 0) return;
  const closed = await tx
    .update(tasks)
    .set({ status: 'not_applicable', reason, closedAt: now, closedById: null, updatedAt: now })
    .where(and(inArray(tasks.id, ids), eq(tasks.status, 'open')))
    .returning({ workspaceId: tasks.workspaceId, number: tasks.number });
  for (const t of closed) {
    await appendAudit(tx, { workspaceId: t.workspaceId, actor, action: 'task.not_applicable', subjectType: 'task', subjectId: taskRef(t.number), data: { reason }, at: now });
  }
}

/**
 * After a re-triage: when no new approval is needed (same class, no new approver), the new
 * classification is in force at once and the tasks follow it now; otherwise they follow it on
 * re-approval ({@link syncObligationTasks} from `afterApproved`).
 */
export async function obligationTasksAfterRetriage(change: LifecycleChange): Promise<void> {
  const system = await loadSystem(change.tx, change.systemId);
  if (!system || system.status !== 'approved') return;
  const [latest, previous] = await change.tx
    .select({ result: assessments.result })
    .from(assessments)
    .where(eq(assessments.systemId, system.id))
    .orderBy(desc(assessments.version))
    .limit(2);
  if (!latest || !previous) return;
  const now = latest.result as Classification;
  const before = previous.result as Classification;
  const needsApproval = before.riskClass !== now.riskClass || now.approvers.some((r) => !before.approvers.includes(r));
  if (!needsApproval) await syncObligationTasks(change);
}

/** After a retirement: every open task of the system is closed as not applicable, with the reason. */
export async function tasksAfterRetired(change: LifecycleChange): Promise<void> {
  const system = await loadSystem(change.tx, change.systemId);
  if (!system) return;
  const open = await change.tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.workspaceId, system.workspaceId), eq(tasks.systemId, system.id), eq(tasks.status, 'open'), isNull(tasks.closedAt)));
  await closeBySystem(change.tx, open.map((t) => t.id), `no longer applies: ${systemRef(system.refNumber)} was retired`, change.ctx.actor.platformId, change.now);
}
