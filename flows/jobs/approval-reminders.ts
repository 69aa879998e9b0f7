/**
 * The approval-reminders job: a step pending longer than `approvals.remindAfterHours` reminds its
 * approvers (again every `remindAfterHours` while it stays pending); once
 * `approvals.escalateAfterReminders` reminders have gone out, the digest channel is told once.
 * A decided (or cancelled) step, or a step of a closed request, is never chased.
 *
 * The sweep is set-based: due steps are read in pages of {@link PAGE} (keyset on the step id)
 * with their request, system, owner and thread, and each page is written in one transaction —
 * the counters (only where they still hold what was read), the notifications (INSERT … ON
 * CONFLICT DO NOTHING on their dedupe keys) and the escalations' audit events (one chained batch).
 * Racing workers write one set.
 */
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, people, platformMessages, workspaces } from '../../db/schema';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { NotificationInput } from '../outbox';
import { enqueueMany } from '../outbox';
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

/** Steps read and written per transaction. */
const PAGE = 1000;

type Step = typeof approvalSteps.$inferSelect;
type DueStep = { step: Step; ref: number; name: string; platform: string };
/** What one step needs written; `audit` only when its escalation is newly written. */
type Plan = { stepId: number; prev: number; next: number; notifications: NotificationInput[]; escalationKey: string | null; audit: AuditInput | null };
type Approvers = { known: Array<{ id: number; member: string }>; unknown: string[]; all: string[]; names: string[] };

/** Runs the job as of `now` in every workspace. */
export async function runApprovalReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const firstDue = new Date(now.getTime() - policy.approvals.remindAfterHours * HOUR_MS);
  const every = policy.approvals.remindAfterHours * HOUR_MS;
  const notBefore = nextAllowedTime(policy, now);
  const at = auditTime(deps);
  // Group members resolve the same way for every step of a group in a workspace: once per run.
  const groups = new Map<string, Promise<Approvers>>();
  let enqueued = 0;
  let examined = 0;
  let after = 0;
  for (;;) {
    const page: DueStep[] = await db
      .select({ step: approvalSteps, ref: aiSystems.refNumber, name: aiSystems.name, platform: workspaces.platform })
      .from(approvalSteps)
      .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
      .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
      .innerJoin(workspaces, eq(workspaces.id, approvalRequests.workspaceId))
      .where(and(eq(approvalSteps.status, 'pending'), eq(approvalRequests.status, 'pending'), lte(approvalSteps.createdAt, firstDue), gt(approvalSteps.id, after)))
      .orderBy(asc(approvalSteps.id))
      .limit(PAGE);
    if (page.length === 0) break;
    examined += page.length;
    after = page[page.length - 1]!.step.id;
    const due = page.filter((d) => now.getTime() - (d.step.lastRemindedAt ?? d.step.createdAt).getTime() >= every);
    if (due.length > 0) {
      const threads = await threadsOf(db, due.map((d) => d.step));
      const owners = await ownersOf(db, due.map((d) => d.step));
      const plans: Plan[] = [];
      for (const d of due) {
        const s = d.step;
        const approvers =
          s.ownerId !== null
            ? owners.get(s.ownerId) ?? { known: [], unknown: [], all: [], names: [] }
            : await cached(groups, `${s.workspaceId}:${s.groupName ?? ''}`, () => groupApprovers(db, policy, s.workspaceId, d.platform, s.groupName));
        plans.push(planStep(deps, d, approvers, threads.get(s.id) ?? null, now, notBefore, at));
      }
      enqueued += await db.transaction((tx) => writePlans(tx, plans, now));
    }
    if (page.length < PAGE) break;
  }
  return { enqueued, examined };
}

function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let hit = map.get(key);
  if (!hit) map.set(key, (hit = make()));
  return hit;
}

/** Counters first; only steps whose counters still hold what was read get their notifications. */
async function writePlans(tx: Db, plans: Plan[], now: Date): Promise<number> {
  const counters = plans.map((p) => ({ id: p.stepId, prev: p.prev, next: p.next }));
  const won = await tx.execute<{ id: number }>(sql`
    update approval_steps st
    set reminders_sent = v.next, last_reminded_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(counters)}::jsonb) as v(id integer, prev integer, next integer)
    where st.id = v.id and st.reminders_sent = v.prev and st.status = 'pending'
      and exists (select 1 from approval_requests r where r.id = st.request_id and r.status = 'pending')
    returning st.id`);
  const rows = Array.isArray(won) ? (won as Array<{ id: number }>) : ((won as { rows?: Array<{ id: number }> }).rows ?? []);
  const ids = new Set(rows.map((w) => Number(w.id)));
  const mine = plans.filter((p) => ids.has(p.stepId));
  const written = new Set(await enqueueMany(tx, mine.flatMap((p) => p.notifications)));
  // The escalation is evidence of follow-up, recorded once: when its notification is new.
  await appendAuditBatch(tx, mine.flatMap((p) => (p.audit && p.escalationKey && written.has(p.escalationKey) ? [p.audit] : [])));
  return written.size;
}

/** What one due step needs: its reminders, and the escalation once enough have gone out. */
function planStep(deps: JobDeps, d: DueStep, approvers: Approvers, thread: ThreadRef | null, now: Date, notBefore: Date, at: Date): Plan {
  const { policy } = deps;
  const step = d.step;
  const n = step.remindersSent + 1;
  const ws = step.workspaceId;
  const ref = systemRef(d.ref);
  const ageHours = Math.floor((now.getTime() - step.createdAt.getTime()) / HOUR_MS);
  const { known, unknown, all, names } = approvers;
  const role = roleLabel(step.role);
  const age = ageHours >= 48 ? plural(Math.floor(ageHours / 24), 'day') : plural(ageHours, 'hour');
  const base = {
    requestId: step.requestId,
    stepId: step.id,
    role: step.role,
    ref,
    name: d.name,
    ageHours,
    reminderNumber: n,
    thread,
    text: `Reminder: the ${role} approval of ${ref} "${d.name}" has been waiting for ${age}. Please approve, reject or request changes in the request's thread.${n > 1 ? ` (reminder ${n})` : ''}`,
  };
  const notifications: NotificationInput[] = [];
  const put = (dedupeKey: string, kind: string, recipient: { person: number } | { channel: 'approvals' | 'digest' }, payload: Record<string, unknown>) =>
    notifications.push({ workspaceId: ws, dedupeKey, kind, recipient, payload, notBefore });
  for (const p of known) {
    const payload: ApprovalReminderPayload = { ...base, approvers: [p.member] };
    put(`approval.reminder:${step.id}:${n}:person:${p.id}`, 'approval.reminder', { person: p.id }, payload);
  }
  if (unknown.length > 0 || known.length === 0) {
    const payload: ApprovalReminderPayload = { ...base, approvers: unknown.length ? unknown : all };
    put(`approval.reminder:${step.id}:${n}:channel`, 'approval.reminder', { channel: 'approvals' }, payload);
  }
  let escalationKey: string | null = null;
  let audit: AuditInput | null = null;
  if (n >= policy.approvals.escalateAfterReminders) {
    const payload: ApprovalEscalationPayload = {
      requestId: step.requestId,
      stepId: step.id,
      role: step.role,
      ref,
      name: d.name,
      ageHours,
      reminders: n,
      approvers: all,
      thread,
      text: `Stalled approval: the ${role} step of ${ref} "${d.name}" has waited ${age} despite ${plural(n, 'reminder')} (approvers: ${names.join(', ') || 'none configured'}).`,
    };
    escalationKey = `approval.escalation:${step.id}`;
    put(escalationKey, 'approval.escalation', { channel: 'digest' }, payload);
    audit = {
      workspaceId: ws,
      actor: 'system',
      action: 'approval.escalated',
      subjectType: 'approval_step',
      subjectId: step.id,
      // Dated by the wall clock; the time the job ran "as of" is part of what it records.
      data: { requestId: step.requestId, role: step.role, reminders: n, ageHours, asOf: now.toISOString() },
      at,
    };
  }
  return { stepId: step.id, prev: step.remindersSent, next: n, notifications, escalationKey, audit };
}

/** The owners of owner steps, as approvers, by person id (one query for the page). */
async function ownersOf(db: Db, steps: Step[]): Promise<Map<number, Approvers>> {
  const ids = [...new Set(steps.map((s) => s.ownerId).filter((x): x is number => x !== null))];
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(people).where(inArray(people.id, ids));
  return new Map(
    rows.map((o) => [o.id, { known: [{ id: o.id, member: o.platformId }], unknown: [], all: [o.platformId], names: [o.displayName ?? memberName(o.platformId)] }]),
  );
}

/** A group's approvers, split into people known in the workspace and members not yet seen. */
async function groupApprovers(db: Db, policy: Policy, workspaceId: number, platform: string, groupName: string | null): Promise<Approvers> {
  const members = groupMembers(policy, groupName).filter((m) => m.startsWith(`${platform}:`) || m.startsWith('email:'));
  const known: Array<{ id: number; member: string }> = [];
  const unknown: string[] = [];
  const names: string[] = [];
  for (const member of members) {
    const where = member.startsWith('email:')
      ? and(eq(people.workspaceId, workspaceId), eq(people.email, member.slice(6).toLowerCase()))
      : and(eq(people.workspaceId, workspaceId), eq(people.platformId, member));
    const [p] = await db.select({ id: people.id, name: people.displayName }).from(people).where(where).limit(1);
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

/** Each step's reply in its request's thread, else the parent message (one query for the page). */
async function threadsOf(db: Db, steps: Step[]): Promise<Map<number, ThreadRef>> {
  const requestIds = [...new Set(steps.map((s) => s.requestId))];
  const copies = await db
    .select()
    .from(platformMessages)
    .where(
      and(
        inArray(platformMessages.workspaceId, [...new Set(steps.map((s) => s.workspaceId))]),
        eq(platformMessages.subjectType, 'approval_request'),
        inArray(platformMessages.subjectId, requestIds),
      ),
    )
    .orderBy(asc(platformMessages.id));
  const byRequest = new Map<string, typeof copies>();
  for (const c of copies) {
    const key = `${c.workspaceId}:${c.subjectId}`;
    const list = byRequest.get(key);
    if (list) list.push(c);
    else byRequest.set(key, [c]);
  }
  const out = new Map<number, ThreadRef>();
  for (const step of steps) {
    const mine = byRequest.get(`${step.workspaceId}:${step.requestId}`) ?? [];
    const pick = mine.find((c) => c.stepId === step.id) ?? mine.find((c) => c.role === 'parent') ?? mine[0];
    if (pick) out.set(step.id, { platform: pick.platform, conversationId: pick.conversationId, messageId: pick.messageId, threadId: pick.threadId });
  }
  return out;
}
