/**
 * Closing a task: Done needs evidence (a link or a note), Not applicable needs a reason and is
 * told to compliance (an outbox message to the digest channel; the weekly digest lists it too).
 * Only the assignee, a member of the assignee group, or compliance may close a task. The close
 * is one conditional UPDATE (`status = 'open'`), so a double click, a replayed request or five
 * concurrent clicks close it once; the others are told who closed it and when.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { localDate } from '../jobs/time';
import { enqueue } from '../outbox';
import type { Policy } from '../policy';
import { isGroupMember } from '../policy';
import type { FlowContext, Person } from '../ports';
import { parseTaskRef, riskRef, taskRef } from '../refs';
import { systemRef } from '../views';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { cleanMultiline } from '../triage/text';
import type { TaskView } from './view';
import { loadTaskView } from './view';
import { ORGANISATION_GROUP } from './obligations';
import { ncActionClosed } from '../improvement/action-closed';

/** Longest evidence (a link or a note), in characters. */
export const EVIDENCE_MAX = 2000;
/** Longest reason for "not applicable", in characters. */
export const TASK_REASON_MAX = 1000;

/** What closing a task did. */
export type TaskCloseResult = { kind: 'closed'; task: TaskView } | Refusal;

/** Payload of `task.not_applicable` → {channel: 'digest'}: compliance sees every task marked not applicable. */
export interface TaskNotApplicablePayload {
  [key: string]: unknown;
  taskId: number;
  ref: string;
  title: string;
  system: { ref: string; name: string } | null;
  by: string;
  reason: string;
  text: string;
}

/** Evidence cleaned, or why it cannot be accepted: a link must be http(s), a note a few words. */
export function evidenceProblem(raw: string): { value: string } | { problem: string } {
  const value = cleanMultiline(raw).trim();
  if (!value) return { problem: 'Give evidence that the task is done: a link (https://…) or a short note.' };
  if (value.length > EVIDENCE_MAX) return { problem: `Evidence is limited to ${EVIDENCE_MAX} characters; link to a document instead.` };
  // Something that looks like a link must be one a reader can open safely.
  if (/^[a-z][a-z0-9+.-]*:\S*$/i.test(value) && !/^mailto:/i.test(value)) {
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
      return { problem: 'That link is not a web address; give an https:// link or write a note.' };
    }
    return { value };
  }
  if (value.replace(/\s/g, '').length < 3) return { problem: 'The note is too short to be evidence; say what was done or give a link.' };
  return { value };
}

/** A reason cleaned, or why it cannot be accepted. */
export function reasonProblem(raw: string): { value: string } | { problem: string } {
  const value = cleanMultiline(raw).trim();
  if (!value) return { problem: 'Say why the task does not apply; compliance will see the reason.' };
  if (value.length > TASK_REASON_MAX) return { problem: `The reason is limited to ${TASK_REASON_MAX} characters.` };
  return { value };
}

/** Whether `actor` may close the task: its assignee, a member of its group, or compliance. */
export function mayClose(policy: Policy, actor: Person, t: Pick<TaskView, 'assigneeId' | 'assigneeGroup'>): boolean {
  if (t.assigneeId !== null && t.assigneeId === actor.id) return true;
  if (t.assigneeGroup && isGroupMember(policy, t.assigneeGroup, actor.platformId, actor.email)) return true;
  return isGroupMember(policy, ORGANISATION_GROUP, actor.platformId, actor.email);
}

/** "already done by Bob on 2026-11-03" */
export function closedPhrase(t: TaskView): string {
  const what = t.status === 'done' ? 'already done' : 'already marked not applicable';
  return `${t.ref} is ${what} by ${t.closedBy ?? 'someone'} on ${t.closedOn ?? 'an earlier day'}.`;
}

/** The task a person may act on, or the refusal they see. */
export async function closableTask(ctx: FlowContext, refText: string): Promise<TaskView | Refusal> {
  const n = parseTaskRef(refText);
  const tz = ctx.deps.policy.organization.timezone;
  const today = localDate(ctx.deps.clock.now(), tz);
  if (n === null) return refuse('invalid', `"${refText.slice(0, 20)}" is not a task reference; use one such as T-12.`);
  const t = await loadTaskView(ctx.deps.db, ctx.workspace.id, n, today, tz);
  if (!t) return refuse('not_found', `There is no task ${taskRef(n)} in this workspace.`);
  if (!mayClose(ctx.deps.policy, ctx.actor, t)) {
    return refuse('not_authorised', `Only ${t.assigneeLabel}${t.assigneeGroup ? ' (a member of the group)' : ''} or compliance can close ${t.ref}.`);
  }
  if (t.status !== 'open') return refuse('already_decided', closedPhrase(t));
  return t;
}

/** Marks a task done with its evidence. */
export async function completeTask(ctx: FlowContext, refText: string, evidence: string): Promise<TaskCloseResult> {
  return close(ctx, refText, 'done', evidence);
}

/** Marks a task not applicable with its reason; compliance is told. */
export async function markTaskNotApplicable(ctx: FlowContext, refText: string, reason: string): Promise<TaskCloseResult> {
  return close(ctx, refText, 'not_applicable', reason);
}

async function close(ctx: FlowContext, refText: string, status: 'done' | 'not_applicable', text: string): Promise<TaskCloseResult> {
  const found = await closableTask(ctx, refText);
  if ('kind' in found) return found;
  const checked = status === 'done' ? evidenceProblem(text) : reasonProblem(text);
  if ('problem' in checked) return invalid([{ field: status === 'done' ? 'evidence' : 'reason', message: checked.problem }]);
  const { db, clock, policy } = ctx.deps;
  const tz = policy.organization.timezone;
  const now = clock.now();
  const won = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(tasks)
      .set({
        status,
        evidence: status === 'done' ? checked.value : null,
        reason: status === 'not_applicable' ? checked.value : null,
        closedById: ctx.actor.id,
        closedAt: now,
        updatedAt: now,
      })
      .where(and(eq(tasks.id, found.id), eq(tasks.workspaceId, ctx.workspace.id), eq(tasks.status, 'open')))
      .returning({ id: tasks.id, kind: tasks.kind, subjectType: tasks.subjectType, subjectId: tasks.subjectId });
    if (!row) return false;
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: `task.${status}`,
      subjectType: 'task',
      subjectId: found.ref,
      data: status === 'done' ? { evidence: checked.value } : { reason: checked.value },
      at: now,
    });
    // A risk's treatment done is the risk treated: the register says so from now on.
    if (status === 'done' && row.kind === 'risk_treatment' && row.subjectType === 'risk') await riskTreated(tx, ctx, row.subjectId, found.ref, now);
    // The last corrective action of a nonconformity closed: its effectiveness check is due.
    if (row.kind === 'corrective_action' && row.subjectType === 'nc') await ncActionClosed(tx, ctx, row.subjectId, found.ref, now);
    if (status === 'not_applicable') {
      const by = ctx.actor.displayName ?? ctx.actor.platformId;
      const payload: TaskNotApplicablePayload = {
        taskId: found.id,
        ref: found.ref,
        title: found.title,
        system: found.system ? { ref: found.system.ref, name: found.system.name } : null,
        by,
        reason: checked.value,
        text: `${found.ref} "${found.title}"${found.system ? ` of ${found.system.ref} "${found.system.name}"` : ''} was marked not applicable by ${by}: ${checked.value}`,
      };
      await enqueue(tx, { workspaceId: ctx.workspace.id, dedupeKey: `task.not_applicable:${found.id}`, kind: 'task.not_applicable', recipient: { channel: 'digest' }, payload, notBefore: now });
    }
    return true;
  });
  const after = await loadTaskView(db, ctx.workspace.id, parseTaskRef(found.ref)!, localDate(now, tz), tz);
  if (!won) return refuse('already_decided', closedPhrase(after!));
  return { kind: 'closed', task: after! };
}

/** Marks the risk of a done treatment task treated (only while it is being treated), with its event. */
async function riskTreated(tx: Db, ctx: FlowContext, riskId: number, ref: string, now: Date): Promise<void> {
  const [risk] = await tx
    .update(risks)
    .set({ status: 'treated', updatedAt: now })
    .where(and(eq(risks.id, riskId), eq(risks.workspaceId, ctx.workspace.id), eq(risks.status, 'treating')))
    .returning({ id: risks.id, number: risks.number, systemId: risks.systemId });
  if (!risk) return;
  const [system] = await tx.select({ refNumber: aiSystems.refNumber }).from(aiSystems).where(eq(aiSystems.id, risk.systemId));
  await appendAudit(tx, {
    workspaceId: ctx.workspace.id,
    actor: ctx.actor.platformId,
    action: 'risk.treated',
    subjectType: 'risk',
    subjectId: riskRef(systemRef(system!.refNumber), risk.number),
    data: { systemId: risk.systemId, task: ref },
    at: now,
  });
}
