/**
 * What compliance records at the review (9.3.3): `management-review decide <ref> <text> [by
 * YYYY-MM-DD]` makes the decision a task (kind `review_action`, subject `review`) for the
 * compliance group, due in {@link DECISION_DEFAULT_DAYS} days unless a date is given;
 * `management-review held <ref> [attendees…]` marks the review held with its attendees. Both are
 * audited in the same transaction as the change.
 */
import { and, eq, ne, or, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { people } from '../../db/schema';
import { managementReviews } from '../../db/schema-improve';
import { appendAudit, auditedTransaction } from '../audit';
import { ensurePerson } from '../identity';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import { taskRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { createTask } from '../tasks/create';
import { cleanMultiline, oneLineProblem } from '../triage/text';
import { managementReviewRefusal, mayRunManagementReview } from './generate';
import { addDaysTo } from './period';
import { findManagementReview } from './record';
import { PERSON_ID } from '../identity';

/** Days until a decision is due when no date is given. */
export const DECISION_DEFAULT_DAYS = 30;
/** Longest decision text. */
export const DECISION_MAX = 300;

const notFound = (ref: string) => refuse('not_found', `No management review ${ref} in this workspace. Send "management-review" to generate one.`);

/** Records a decision as a task. */
export async function decideManagementReview(ctx: FlowContext, refText: string, rest: string): Promise<{ ref: string; task: string; dueDate: string } | Refusal> {
  if (!mayRunManagementReview(ctx)) return managementReviewRefusal('record management review decisions');
  const usage = 'Usage: management-review decide MR-2026-Q4 <decision> [by YYYY-MM-DD]';
  if (!refText) return refuse('invalid', usage);
  const review = await findManagementReview(ctx.deps.db, ctx.workspace.id, refText);
  if (!review) return notFound(refText);
  const today = localDate(ctx.deps.clock.now(), ctx.deps.policy.organization.timezone);
  let text = cleanMultiline(rest).replace(/\s+/g, ' ').trim();
  let dueDate = addDaysTo(today, DECISION_DEFAULT_DAYS);
  const by = /\s*\bby (\S+)$/i.exec(text);
  if (by) {
    const d = by[1]!;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) {
      return refuse('invalid', `"${d}" is not a date such as 2027-01-31; nothing was recorded.`);
    }
    if (d < today) return refuse('invalid', `The due date ${d} is in the past; nothing was recorded.`);
    dueDate = d;
    text = text.slice(0, by.index).trim();
  }
  if (!text) return refuse('invalid', `Say what was decided. ${usage}`);
  const problem = oneLineProblem(text) ?? (text.length > DECISION_MAX ? `is longer than ${DECISION_MAX} characters` : null);
  if (problem) return refuse('invalid', `The decision ${problem}; nothing was recorded.`);
  const now = ctx.deps.clock.now();
  // The same decision sent again (a retried command, a double send) is one task.
  const digest = createHash('sha256').update(text.toLowerCase()).digest('hex').slice(0, 16);
  return auditedTransaction(ctx.deps.db, async (tx): Promise<{ ref: string; task: string; dueDate: string } | Refusal> => {
    const { task, created } = await createTask(tx, {
      workspaceId: ctx.workspace.id,
      kind: 'review_action',
      subjectType: 'review',
      subjectId: review.id,
      dedupeKey: `review_decision:${review.id}:${digest}`,
      title: text,
      detail: `Decided at management review ${review.ref}`,
      assigneeGroup: 'compliance',
      dueDate,
      actor: ctx.actor.platformId,
      at: now,
    });
    if (!created) return refuse('already_decided', `That decision is already task ${taskRef(task.number)} of ${review.ref} (due ${task.dueDate}); nothing was recorded.`);
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'management_review.decided',
      subjectType: 'management_review',
      subjectId: review.ref,
      data: { task: taskRef(task.number), title: text, dueDate },
      at: now,
    });
    return { ref: review.ref, task: taskRef(task.number), dueDate };
  });
}

/** A platform id token (`slack:`/`teams:`/`shell:`/`email:`), or null; adapters turn their mentions into these. */
export function attendeeId(token: string): string | null {
  return PERSON_ID.test(token) ? token : null;
}

/** The platform id of the one person of the workspace with this display name (or email name), else null. */
async function knownByName(ctx: FlowContext, name: string): Promise<string | null> {
  if (!name || name.length > 80) return null;
  const lower = name.toLowerCase();
  const found = await ctx.deps.db
    .select({ platformId: people.platformId })
    .from(people)
    .where(and(eq(people.workspaceId, ctx.workspace.id), or(sql`lower(${people.displayName}) = ${lower}`, sql`split_part(lower(${people.email}), '@', 1) = ${lower}`, eq(people.platformId, `${ctx.workspace.platform}:${name}`))));
  return found.length === 1 ? found[0]!.platformId : null;
}

/** Marks the review held with its attendees (the actor attends too). Holding twice says so. */
export async function holdManagementReview(ctx: FlowContext, refText: string, rest: string): Promise<{ ref: string; attendees: number; already: boolean } | Refusal> {
  if (!mayRunManagementReview(ctx)) return managementReviewRefusal('mark a management review held');
  if (!refText) return refuse('invalid', 'Usage: management-review held MR-2026-Q4 [@attendee …]');
  const tokens = rest.split(/\s+/).filter(Boolean);
  const ids: string[] = [];
  for (const t of tokens) {
    // `@dana` as Slack sends it without escaping, or as typed in Teams and the shell: a person the bot knows by name.
    const id = attendeeId(t) ?? (t.startsWith('@') ? await knownByName(ctx, t.slice(1)) : null);
    if (!id) return refuse('invalid', `"${t.slice(0, 60)}" is not a person the bot knows: mention them (@name), or give slack:U…, teams:<id>, shell:<name> or email:<address>. Nothing was changed.`);
    if (!ids.includes(id)) ids.push(id);
  }
  const review = await findManagementReview(ctx.deps.db, ctx.workspace.id, refText);
  if (!review) return notFound(refText);
  const now = ctx.deps.clock.now();
  const attendeeIds = [ctx.actor.id];
  for (const id of ids) {
    const p = await ensurePerson(ctx.deps.db, ctx.workspace.id, { platformId: id, email: id.startsWith('email:') ? id.slice(6) : undefined }, now);
    if (!attendeeIds.includes(p.id)) attendeeIds.push(p.id);
  }
  return auditedTransaction(ctx.deps.db, async (tx) => {
    // Consumed atomically: of two racing "held" only the first changes the row.
    const changed = await tx
      .update(managementReviews)
      .set({ status: 'held', heldAt: now, attendeeIds })
      .where(and(eq(managementReviews.id, review.id), ne(managementReviews.status, 'held')))
      .returning({ id: managementReviews.id });
    if (changed.length === 0) return { ref: review.ref, attendees: review.attendeeIds.length, already: true };
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'management_review.held',
      subjectType: 'management_review',
      subjectId: review.ref,
      data: { heldAt: now.toISOString(), attendees: ids, attendeeIds },
      at: now,
    });
    return { ref: review.ref, attendees: attendeeIds.length, already: false };
  });
}
