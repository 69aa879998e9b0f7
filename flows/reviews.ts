/**
 * Periodic reviews (ISO 42001 clause 8.4): confirm the registration is still accurate (next date
 * from the class), re-triage (a changed class or a new approver role starts a new approval), or
 * retire the system. Snoozing postpones reminders by at most 30 days, with a reason.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, reviews } from '../db/schema';
import { openApprovalRequest } from './approvals';
import { appendAudit, enqueueWithAudit } from './audit';
import { isGroupMember, triagePolicyOf } from './policy';
import { alreadyConfirmed, alreadySnoozed, lockForReview, sameAnswers, statusRefusal } from './review-guard';
import type { FlowContext } from './ports';
import { storeAssessment, systemByRef } from './registration';
import type { Refusal } from './results';
import { invalid, refuse } from './results';
import { classify } from './triage/classify';
import { validateAnswers } from './triage/validate';
import type { Classification } from './triage/types';
import type { RequestView, SystemView } from './views';
import { loadRequestView, loadSystemView } from './views';
import { cleanMultiline } from './triage/text';
import { localDay } from './display';
import { afterRetired, afterRetriaged } from './lifecycle';

const DAY_MS = 86_400_000;

/** Longest snooze, in days. */
export const SNOOZE_MAX_DAYS = 30;

/** The outcome of a review action. */
export type ReviewResult =
  | { kind: 'confirmed'; system: SystemView }
  | { kind: 'retriaged'; system: SystemView; classification: Classification; request: RequestView | null }
  | { kind: 'retired'; system: SystemView }
  /** `until`: when reminders resume; `untilLabel`: that day in the policy's time zone, for people. */
  | { kind: 'snoozed'; system: SystemView; until: Date; untilLabel: string }
  | Refusal;

/**
 * Loads the system and checks the actor may review it (the owner, or a compliance member). The
 * flows check the status under the system's lock, when the action is recorded; adapters pass
 * `allowed` to check it before they open a form, so nobody fills in a form that cannot succeed.
 */
export async function reviewable(ctx: FlowContext, ref: string, allowed?: SystemView['status'][]): Promise<SystemView | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  const isOwner = system.owner.id === ctx.actor.id;
  const isCompliance = isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
  if (!isOwner && !isCompliance) {
    return refuse('not_authorised', `Only the owner of ${system.ref} (${system.owner.name}) or compliance can review it.`);
  }
  if (allowed && !allowed.includes(system.status)) return statusRefusal(ctx.deps.db, ctx, system, system.status, allowed);
  return system;
}

/** Closes the open review of a system with a status, and notifies every copy of its card. */
async function closeOpenReviews(tx: Db, ctx: FlowContext, systemId: number, status: string, now: Date): Promise<void> {
  const closed = await tx
    .update(reviews)
    .set({ status, decidedById: ctx.actor.id, decidedAt: now })
    .where(and(eq(reviews.systemId, systemId), eq(reviews.workspaceId, ctx.workspace.id), eq(reviews.status, 'open')))
    .returning({ id: reviews.id });
  for (const r of closed) {
    await enqueueWithAudit(tx, {
      workspaceId: ctx.workspace.id,
      dedupeKey: `review.updated:${r.id}:${status}`,
      kind: 'review.updated',
      recipient: { copiesOf: { subjectType: 'review', subjectId: r.id } },
      payload: { reviewId: r.id, systemId, status },
      notBefore: now,
    });
  }
}

/** Opens the next review of a system. */
async function scheduleNext(tx: Db, ctx: FlowContext, systemId: number, days: number | null, now: Date): Promise<Date | null> {
  const due = days === null ? null : new Date(now.getTime() + days * DAY_MS);
  if (due) await tx.insert(reviews).values({ workspaceId: ctx.workspace.id, systemId, dueAt: due, status: 'open', createdAt: now });
  await tx.update(aiSystems).set({ nextReviewAt: due, updatedAt: now }).where(eq(aiSystems.id, systemId));
  return due;
}

/** "Still accurate": the review is done and the next one is due after the class's interval. */
export async function confirmReview(ctx: FlowContext, ref: string): Promise<ReviewResult> {
  const system = await reviewable(ctx, ref);
  if ('kind' in system) return system;
  const now = ctx.deps.clock.now();
  const refused = await ctx.deps.db.transaction(async (tx) => {
    const state = await lockForReview(tx, ctx, system, ['approved']);
    if ('kind' in state) return state;
    if (state.completed && state.open) return alreadyConfirmed(system.ref, state.completed, state.open, ctx.deps.policy.organization.timezone);
    await closeOpenReviews(tx, ctx, system.id, 'confirmed', now);
    const due = await scheduleNext(tx, ctx, system.id, state.result?.reviewIntervalDays ?? null, now);
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'review.confirmed',
      subjectType: 'ai_system',
      subjectId: system.id,
      data: { nextReviewAt: due?.toISOString() ?? null },
      at: now,
    });
    return null;
  });
  if (refused) return refused;
  return { kind: 'confirmed', system: (await loadSystemView(ctx.deps.db, ctx.workspace.id, system.id))! };
}

/**
 * Re-triage with new answers. When the class changes or a new approver role appears, a new
 * approval starts; otherwise the review is confirmed with the new assessment.
 */
export async function retriage(ctx: FlowContext, ref: string, answersInput: unknown): Promise<ReviewResult> {
  const system = await reviewable(ctx, ref);
  if ('kind' in system) return system;
  const a = validateAnswers(answersInput);
  if (!a.ok) return invalid(a.errors);
  const { db, policy, clock } = ctx.deps;
  const result = classify(a.answers, triagePolicyOf(policy));
  const now = clock.now();
  const outcome = await db.transaction(async (tx) => {
    const state = await lockForReview(tx, ctx, system, ['approved']);
    if ('kind' in state) return state;
    // The same answers again right after a completed review: a replay of that re-triage.
    if (state.completed && state.open && sameAnswers(state.answers, a.answers)) return alreadyConfirmed(system.ref, state.completed, state.open, ctx.deps.policy.organization.timezone);
    // Compared with the assessment in force now, under the lock.
    const before = state.result;
    const needsApproval =
      !before || before.riskClass !== result.riskClass || result.approvers.some((r) => !before.approvers.includes(r));
    const assessmentId = await storeAssessment(tx, ctx, system.id, a.answers, result, now);
    await afterRetriaged({ tx, ctx, systemId: system.id, now });
    await closeOpenReviews(tx, ctx, system.id, needsApproval ? 'retriaged' : 'confirmed', now);
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'review.retriaged',
      subjectType: 'ai_system',
      subjectId: system.id,
      data: { from: before?.riskClass ?? null, to: result.riskClass, needsApproval },
      at: now,
    });
    if (needsApproval) return { requestId: await openApprovalRequest(tx, ctx, { id: system.id, ownerId: system.owner.id }, assessmentId, result) };
    await scheduleNext(tx, ctx, system.id, result.reviewIntervalDays, now);
    return { requestId: null };
  });
  if ('kind' in outcome) return outcome;
  const { requestId } = outcome;
  return {
    kind: 'retriaged',
    system: (await loadSystemView(db, ctx.workspace.id, system.id))!,
    classification: result,
    request: requestId === null ? null : await loadRequestView(db, policy, ctx.workspace.id, requestId),
  };
}

/** Every status but retired. */
export const RETIRABLE: SystemView['status'][] = ['approved', 'pending_approval', 'changes_requested', 'rejected', 'blocked', 'draft'];

/** The pre-check of a retirement, before a reason is asked: the actor may review it, and it is not retired yet. */
export async function retirable(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  return reviewable(ctx, ref, RETIRABLE);
}

/** Retires a system: no more reviews, any open approval is superseded. */
export async function retire(ctx: FlowContext, ref: string, reason?: string): Promise<ReviewResult> {
  reason = reason === undefined ? undefined : cleanMultiline(reason);
  const system = await reviewable(ctx, ref);
  if ('kind' in system) return system;
  const now = ctx.deps.clock.now();
  const refused = await ctx.deps.db.transaction(async (tx) => {
    const state = await lockForReview(tx, ctx, system, RETIRABLE);
    if ('kind' in state) return state;
    await closeOpenReviews(tx, ctx, system.id, 'retired', now);
    await afterRetired({ tx, ctx, systemId: system.id, now });
    const open = await tx
      .update(approvalRequests)
      .set({ status: 'superseded', decidedAt: now })
      .where(and(eq(approvalRequests.systemId, system.id), inArray(approvalRequests.status, ['pending', 'blocked'])))
      .returning({ id: approvalRequests.id });
    if (open.length) {
      await tx
        .update(approvalSteps)
        .set({ status: 'cancelled' })
        .where(and(inArray(approvalSteps.requestId, open.map((r) => r.id)), eq(approvalSteps.status, 'pending')));
    }
    await tx.update(aiSystems).set({ status: 'retired', nextReviewAt: null, updatedAt: now }).where(eq(aiSystems.id, system.id));
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'system.retired',
      subjectType: 'ai_system',
      subjectId: system.id,
      data: { reason: reason?.trim() || null, supersededRequests: open.map((r) => r.id) },
      at: now,
    });
    for (const r of open) {
      await enqueueWithAudit(tx, {
        workspaceId: ctx.workspace.id,
        dedupeKey: `approval.updated:${r.id}:retired`,
        kind: 'approval.updated',
        recipient: { copiesOf: { subjectType: 'approval_request', subjectId: r.id } },
        payload: { requestId: r.id },
        notBefore: now,
      });
    }
    return null;
  });
  if (refused) return refused;
  return { kind: 'retired', system: (await loadSystemView(ctx.deps.db, ctx.workspace.id, system.id))! };
}

/**
 * What is wrong with a number of snooze days as typed (`"7"`, `7`), or null when it is a whole
 * number from 1 to SNOOZE_MAX_DAYS. Adapters call it as the answer is given, before anything else.
 */
export function snoozeDaysProblem(input: string | number): string | null {
  const text = String(input).trim();
  const range = `a whole number of days from 1 to ${SNOOZE_MAX_DAYS}`;
  if (text === '') return `Say for how many days to snooze: ${range}.`;
  if (!/^[+-]?\d+([.,]\d+)?$/.test(text)) return `"${text.slice(0, 40)}" is not a number; give ${range}.`;
  const n = Number(text.replace(',', '.'));
  if (!Number.isInteger(n)) return `${text} is not a whole number of days; give ${range}.`;
  if (n < 1) return `A snooze needs at least 1 day (${n} was given); give ${range}.`;
  if (n > SNOOZE_MAX_DAYS) return `A snooze lasts at most ${SNOOZE_MAX_DAYS} days (${n} was given); give ${range}.`;
  return null;
}

/**
 * The pre-check of a snooze, before anything is asked: the actor may review the system, it is
 * approved, and it has an open review that is not snoozed already.
 */
export async function snoozable(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  const system = await reviewable(ctx, ref, ['approved']);
  if ('kind' in system) return system;
  const now = ctx.deps.clock.now();
  const [open] = await ctx.deps.db
    .select()
    .from(reviews)
    .where(and(eq(reviews.systemId, system.id), eq(reviews.workspaceId, ctx.workspace.id), eq(reviews.status, 'open')))
    .limit(1);
  if (!open) return refuse('not_found', `${system.ref} has no open review to snooze.`);
  if (open.snoozedUntil && open.snoozedUntil > now) return ctx.deps.db.transaction((tx) => alreadySnoozed(tx, ctx, system, open));
  return system;
}

/**
 * When reminders resume after a snooze of `days`: counted from the next reminder, which is now or,
 * while the review's reminder window (due − remindBeforeDays) has not opened, the window's start.
 * So a snooze always moves the next reminder, and never to a date before the window.
 */
export function snoozedUntil(now: Date, dueAt: Date, remindBeforeDays: number, days: number): Date {
  const windowOpens = dueAt.getTime() - remindBeforeDays * DAY_MS;
  return new Date(Math.max(now.getTime(), windowOpens) + days * DAY_MS);
}

/** Postpones the reminders of the open review by 1–30 days, with a reason. */
export async function snoozeReview(ctx: FlowContext, ref: string, days: number | string, reason: string): Promise<ReviewResult> {
  reason = cleanMultiline(reason);
  const errors = [];
  const daysProblem = snoozeDaysProblem(days);
  if (daysProblem) errors.push({ field: 'days', message: daysProblem });
  if (!reason.trim()) errors.push({ field: 'reason', message: 'Say why the review is postponed.' });
  if (errors.length) return invalid(errors);
  const n = Number(String(days).trim().replace(',', '.'));
  const system = await reviewable(ctx, ref);
  if ('kind' in system) return system;
  const now = ctx.deps.clock.now();
  const outcome = await ctx.deps.db.transaction(async (tx) => {
    const state = await lockForReview(tx, ctx, system, ['approved']);
    if ('kind' in state) return state;
    const open = state.open;
    if (!open) return refuse('not_found', `${system.ref} has no open review to snooze.`);
    // One snooze per review: a replay, or a second snooze stretching the first past the limit.
    if (open.snoozedUntil && open.snoozedUntil > now) return alreadySnoozed(tx, ctx, system, open);
    const until = snoozedUntil(now, open.dueAt, ctx.deps.policy.reviews.remindBeforeDays, n);
    await tx.update(reviews).set({ snoozedUntil: until, snoozeReason: reason.trim() }).where(eq(reviews.id, open.id));
    // Every posted copy of the review card says it is snoozed, so nobody acts on it twice.
    await enqueueWithAudit(tx, {
      workspaceId: ctx.workspace.id,
      dedupeKey: `review.updated:${open.id}:snoozed:${until.toISOString()}`,
      kind: 'review.updated',
      recipient: { copiesOf: { subjectType: 'review', subjectId: open.id } },
      payload: { reviewId: open.id, systemId: system.id, status: 'snoozed', until: until.toISOString() },
      notBefore: now,
    });
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'review.snoozed',
      subjectType: 'ai_system',
      subjectId: system.id,
      data: { reviewId: open.id, until: until.toISOString(), reason: reason.trim() },
      at: now,
    });
    return { until };
  });
  if ('kind' in outcome) return outcome;
  const tz = ctx.deps.policy.organization.timezone;
  return { kind: 'snoozed', system, until: outcome.until, untilLabel: localDay(outcome.until, tz) };
}
