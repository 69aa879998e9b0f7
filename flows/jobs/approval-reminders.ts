/**
 * The approval-reminders job: a step pending longer than `approvals.remindAfterHours` reminds its
 * approvers (again every `remindAfterHours` while it stays pending); once
 * `approvals.escalateAfterReminders` reminders have gone out, the digest channel is told once.
 * A decided (or cancelled) step, or a step of a closed request, is never chased.
 *
 * The step row is locked while its counters and notifications are written in one transaction,
 * and every notification has a unique dedupe key, so racing workers write one set.
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, people, platformMessages, workspaces } from '../../db/schema';
import { appendAudit } from '../audit';
import { enqueue } from '../outbox';
import type { Policy } from '../policy';
import { groupMembers } from '../policy';
import { roleLabel } from '../display';
import { systemRef } from '../views';
import type { JobDeps, JobReport } from './common';
import { auditTime, plural } from './common';
import { HOUR_MS, nextAllowedTime } from './time';

/** Where the request's thread is, when a copy was posted (adapters turn it into a link). */
export interface ThreadRef {
  platform: string;
  conversationId: string;
  messageId: string;
  threadId: string | null;
}

/**
 * Payload of `approval.reminder`, sent `{person: id}` to each approver known as a person in the
 * workspace, and `{channel: 'approvals'}` (once) naming the group members not yet known.
 */
export interface ApprovalReminderPayload {
  [key: string]: unknown;
  requestId: number;
  stepId: number;
  role: string;
  ref: string;
  name: string;
  /** Whole hours since the step was opened. */
  ageHours: number;
  reminderNumber: number;
  /** The approvers this copy is for (platform ids or `email:` members). */
  approvers: string[];
  /** The request's thread (the step's reply, else the parent message), or null. */
  thread: ThreadRef | null;
  text: string;
}

/** Payload of `approval.escalation` → `{channel: 'digest'}`. */
export interface ApprovalEscalationPayload {
  [key: string]: unknown;
  requestId: number;
  stepId: number;
  role: string;
  ref: string;
  name: string;
  ageHours: number;
  /** Reminders sent so far. */
  reminders: number;
  /** Everyone who may decide the step. */
  approvers: string[];
  thread: ThreadRef | null;
  text: string;
}

/** Runs the job as of `now` in every workspace. */
export async function runApprovalReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const firstDue = new Date(now.getTime() - policy.approvals.remindAfterHours * HOUR_MS);
  const steps = await db
    .select({ id: approvalSteps.id })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .where(and(eq(approvalSteps.status, 'pending'), eq(approvalRequests.status, 'pending'), lte(approvalSteps.createdAt, firstDue)))
    .orderBy(asc(approvalSteps.id));
  let enqueued = 0;
  for (const s of steps) enqueued += await remindStep(deps, s.id, now);
  return { enqueued, examined: steps.length };
}

async function remindStep(deps: JobDeps, stepId: number, now: Date): Promise<number> {
  const { db, policy } = deps;
  return db.transaction(async (tx) => {
    const [step] = await tx.select().from(approvalSteps).where(eq(approvalSteps.id, stepId)).for('update');
    if (!step || step.status !== 'pending') return 0;
    const [row] = await tx
      .select({ request: approvalRequests, system: aiSystems, platform: workspaces.platform })
      .from(approvalRequests)
      .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
      .innerJoin(workspaces, eq(workspaces.id, approvalRequests.workspaceId))
      .where(eq(approvalRequests.id, step.requestId));
    if (!row || row.request.status !== 'pending') return 0;
    const every = policy.approvals.remindAfterHours * HOUR_MS;
    const since = step.lastRemindedAt ?? step.createdAt;
    if (now.getTime() - since.getTime() < every) return 0;

    const n = step.remindersSent + 1;
    const changed = await tx
      .update(approvalSteps)
      .set({ remindersSent: n, lastRemindedAt: now })
      .where(and(eq(approvalSteps.id, step.id), eq(approvalSteps.remindersSent, step.remindersSent), eq(approvalSteps.status, 'pending')))
      .returning({ id: approvalSteps.id });
    if (changed.length === 0) return 0;

    const ws = step.workspaceId;
    const ref = systemRef(row.system.refNumber);
    const ageHours = Math.floor((now.getTime() - step.createdAt.getTime()) / HOUR_MS);
    const thread = await threadOf(tx, ws, step.requestId, step.id);
    const notBefore = nextAllowedTime(policy, now);
    const { known, unknown, all, names } = await approversOf(tx, policy, ws, row.platform, step);
    const role = roleLabel(step.role);
    const age = ageHours >= 48 ? plural(Math.floor(ageHours / 24), 'day') : plural(ageHours, 'hour');
    const base = {
      requestId: step.requestId,
      stepId: step.id,
      role: step.role,
      ref,
      name: row.system.name,
      ageHours,
      reminderNumber: n,
      thread,
      text: `Reminder: the ${role} approval of ${ref} "${row.system.name}" has been waiting for ${age}. Please approve, reject or request changes in the request's thread.${n > 1 ? ` (reminder ${n})` : ''}`,
    };
    let written = 0;
    const put = async (key: string, kind: string, recipient: { person: number } | { channel: 'approvals' | 'digest' }, payload: Record<string, unknown>) => {
      if (await enqueue(tx, { workspaceId: ws, dedupeKey: key, kind, recipient, payload, notBefore })) written += 1;
    };
    for (const p of known) {
      const payload: ApprovalReminderPayload = { ...base, approvers: [p.member] };
      await put(`approval.reminder:${step.id}:${n}:person:${p.id}`, 'approval.reminder', { person: p.id }, payload);
    }
    if (unknown.length > 0 || known.length === 0) {
      const payload: ApprovalReminderPayload = { ...base, approvers: unknown.length ? unknown : all };
      await put(`approval.reminder:${step.id}:${n}:channel`, 'approval.reminder', { channel: 'approvals' }, payload);
    }
    if (n >= policy.approvals.escalateAfterReminders) {
      const payload: ApprovalEscalationPayload = {
        requestId: step.requestId,
        stepId: step.id,
        role: step.role,
        ref,
        name: row.system.name,
        ageHours,
        reminders: n,
        approvers: all,
        thread,
        text: `Stalled approval: the ${role} step of ${ref} "${row.system.name}" has waited ${age} despite ${plural(n, 'reminder')} (approvers: ${names.join(', ') || 'none configured'}).`,
      };
      const before = written;
      await put(`approval.escalation:${step.id}`, 'approval.escalation', { channel: 'digest' }, payload);
      // The escalation is evidence of follow-up, recorded once with the step's counters.
      if (written > before) {
        await appendAudit(tx, {
          workspaceId: ws,
          actor: 'system',
          action: 'approval.escalated',
          subjectType: 'approval_step',
          subjectId: step.id,
          // Dated by the wall clock; the time the job ran "as of" is part of what it records.
          data: { requestId: step.requestId, role: step.role, reminders: n, ageHours, asOf: now.toISOString() },
          at: auditTime(deps),
        });
      }
    }
    return written;
  });
}

/** The step's approvers, split into people known in the workspace and members not yet seen. */
async function approversOf(
  tx: Db,
  policy: Policy,
  workspaceId: number,
  platform: string,
  step: typeof approvalSteps.$inferSelect,
): Promise<{ known: Array<{ id: number; member: string }>; unknown: string[]; all: string[]; names: string[] }> {
  if (step.ownerId !== null) {
    const [owner] = await tx.select().from(people).where(eq(people.id, step.ownerId));
    return owner
      ? { known: [{ id: owner.id, member: owner.platformId }], unknown: [], all: [owner.platformId], names: [owner.displayName ?? memberName(owner.platformId)] }
      : { known: [], unknown: [], all: [], names: [] };
  }
  const members = groupMembers(policy, step.groupName).filter((m) => m.startsWith(`${platform}:`) || m.startsWith('email:'));
  const known: Array<{ id: number; member: string }> = [];
  const unknown: string[] = [];
  const names: string[] = [];
  for (const member of members) {
    const where = member.startsWith('email:')
      ? and(eq(people.workspaceId, workspaceId), eq(people.email, member.slice(6).toLowerCase()))
      : and(eq(people.workspaceId, workspaceId), eq(people.platformId, member));
    const [p] = await tx.select({ id: people.id, name: people.displayName }).from(people).where(where).limit(1);
    names.push(p?.name ?? memberName(member));
    if (p && !known.some((k) => k.id === p.id)) known.push({ id: p.id, member });
    else if (!p) unknown.push(member);
  }
  return { known, unknown, all: members, names };
}

/** A policy member as people read it when no name is known: `carol`, `dpo@acme.example`. */
function memberName(member: string): string {
  return member.replace(/^(slack|teams|email|shell):/, '');
}

/** The step's reply in the request's thread, else the parent message, else null. */
async function threadOf(tx: Db, workspaceId: number, requestId: number, stepId: number): Promise<ThreadRef | null> {
  const copies = await tx
    .select()
    .from(platformMessages)
    .where(and(eq(platformMessages.workspaceId, workspaceId), eq(platformMessages.subjectType, 'approval_request'), eq(platformMessages.subjectId, requestId)))
    .orderBy(asc(platformMessages.id));
  const pick = copies.find((c) => c.stepId === stepId) ?? copies.find((c) => c.role === 'parent') ?? copies[0];
  return pick ? { platform: pick.platform, conversationId: pick.conversationId, messageId: pick.messageId, threadId: pick.threadId } : null;
}
