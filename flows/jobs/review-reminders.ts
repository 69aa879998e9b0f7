/**
 * The review-reminders job: owners of approved systems whose open review falls due within
 * `reviews.remindBeforeDays` get a review card, repeated every `reviews.repeatEveryDays` until
 * they act (confirm, update, retire) or snooze it; once a review is `escalateAfterDays` overdue,
 * the digest channel is told once and the owner's reminder says so.
 *
 * Everything due is derived from Postgres, so a run after an outage catches up with one reminder
 * per review (not one per missed day). The sweep is one statement in one transaction
 * (review-reminders-write.ts): Postgres selects the due reviews, decides what each needs, moves
 * the counters (only where they still hold what was read, so a racing worker or a review acted on
 * meanwhile is left alone) and inserts the notifications (ON CONFLICT DO NOTHING on the dedupe
 * key); only the escalations come back, and their audit events follow in the same transaction as
 * one chained batch. No review is read into memory. Two workers racing, or the same run twice at
 * the same `now`, write one set.
 */
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { JobDeps, JobReport } from './common';
import { auditTime } from './common';
import { nextAllowedTime } from './time';
import { runRetriageFlags } from './retriage-flags';
import type { Escalated } from './review-reminders-write';
import { sweepReviews } from './review-reminders-write';

/**
 * Payload of `review.reminder` → `{person: ownerId}`: the owner's review card. Buttons (Slack
 * action ids `review.confirm` / `review.update` / `review.retire` / `review.snooze`, value = `ref`).
 * Deliverers should record the posted card with `recordMessage` (subject `review`, role
 * `reminder`) so `review.updated` can update it once the owner acts on any copy.
 */
export interface ReviewReminderPayload {
  [key: string]: unknown;
  reviewId: number;
  systemId: number;
  /** `AI-<n>` */
  ref: string;
  name: string;
  /** ISO instant the review is due. */
  dueAt: string;
  /** Whole days past due (0 while not yet due). */
  overdueDays: number;
  /** Whole days until due (0 once due). */
  dueInDays: number;
  /** 1 for the first reminder of this review, then 2, 3, … */
  reminderNumber: number;
  /** True once compliance has been told the review is overdue. */
  escalated: boolean;
  text: string;
}

/** Payload of `review.escalation` → `{channel: 'digest'}`: compliance is told of an overdue review. */
export interface ReviewEscalationPayload {
  [key: string]: unknown;
  reviewId: number;
  systemId: number;
  ref: string;
  name: string;
  owner: { id: number; platformId: string; name: string; email: string | null };
  dueAt: string;
  overdueDays: number;
  text: string;
}

/** Runs the job as of `now` in every workspace. */
export async function runReviewReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const at = auditTime(deps);
  const sweep = await db.transaction(async (tx) => {
    const r = await sweepReviews(tx, {
      now,
      notBefore: nextAllowedTime(policy, now),
      remindBeforeDays: policy.reviews.remindBeforeDays,
      repeatEveryDays: policy.reviews.repeatEveryDays,
      escalateAfterDays: policy.reviews.escalateAfterDays,
      timezone: policy.organization.timezone,
    });
    // One review.escalated event per escalation, in review order, chained in this transaction.
    if (r.escalated.length > 0) await appendAuditBatch(tx, r.escalated.map((e) => escalationEvent(e, now, at)));
    return r;
  });
  // Stage two: systems assessed with questionnaire v1 that need a re-triage (retriage-flags.ts).
  const flags = await runRetriageFlags(deps, now);
  return { enqueued: sweep.written + flags.enqueued, examined: sweep.examined + flags.examined };
}

/** The audit event of an escalation: dated by the wall clock; the time the job ran "as of" is part of what it records. */
function escalationEvent(e: Escalated, now: Date, at: Date): AuditInput {
  return {
    workspaceId: e.workspaceId,
    actor: 'system',
    action: 'review.escalated',
    subjectType: 'ai_system',
    subjectId: e.systemId,
    data: { reviewId: e.reviewId, dueAt: e.dueAt, overdueDays: e.overdueDays, asOf: now.toISOString() },
    at,
  };
}
