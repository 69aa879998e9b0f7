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
 * the same `now`, write one set. A sweep of many systems runs that statement once per share of
 * system ids, each in its own transaction ({@link sweepShares}).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { rowsOf } from '../../db/rows';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { JobDeps, JobReport } from './common';
import { auditTime, plural } from './common';
import { localDate, nextAllowedTime } from './time';
import { runRetriageFlags } from './retriage-flags';
import type { Escalated, SweepResult, SystemRange } from './review-reminders-write';
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
  /**
   * The reminder as one sentence, only in rows written before it was left out (100,000 sentences
   * were a tenth of a 100k-review sweep): {@link reviewReminderText} says it from the fields.
   */
  text?: string;
}

/** The constant middle of a reminder's text, after "Review of AI-n "name" <when>". */
const ASK = '. Is the registration still accurate? Confirm it, update the answers, retire the system, or snooze the review (at most 30 days, with a reason).';
/** Appended to a reminder once compliance has been told. */
const ESCALATED_NOTE = ' The review is overdue and compliance has been told.';

/**
 * The reminder as one plain sentence (the shell says it; a row's own `text`, when it has one, is
 * said as written). The due date is named in `timezone`, the organisation's.
 */
export function reviewReminderText(p: ReviewReminderPayload, timezone: string): string {
  if (typeof p.text === 'string') return p.text;
  const due = new Date(p.dueAt);
  const day = Number.isNaN(due.getTime()) ? 'an unknown date' : localDate(due, timezone);
  const when =
    p.overdueDays > 0 ? `was due on ${day} and is ${plural(p.overdueDays, 'day')} overdue` : p.dueInDays > 0 ? `is due on ${day} (in ${plural(p.dueInDays, 'day')})` : `was due on ${day}`;
  // Fields a malformed row lacks are left out rather than printed as "undefined".
  const what = `${typeof p.ref === 'string' ? p.ref : 'a system'}${typeof p.name === 'string' ? ` "${p.name}"` : ''}`;
  return `Review of ${what} ${when}${ASK}${p.escalated === true ? ESCALATED_NOTE : ''}${p.reminderNumber > 1 ? ` (reminder ${p.reminderNumber})` : ''}`;
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

/**
 * Systems a sweep must span before it is split: below this, one transaction does it all (and
 * escalations' audit events keep one order).
 */
export const SWEEP_SPLIT_MIN_SPAN = 20_000;
/** Shares a large sweep is split into (connections it holds at once). */
const SWEEP_SHARES = 2;

/**
 * Runs the job as of `now` in every workspace. `splitMinSpan` overrides
 * {@link SWEEP_SPLIT_MIN_SPAN} (tests).
 */
export async function runReviewReminders(deps: JobDeps, now: Date, o: { splitMinSpan?: number } = {}): Promise<JobReport> {
  const { db, policy } = deps;
  const at = auditTime(deps);
  const input = {
    now,
    notBefore: nextAllowedTime(policy, now),
    remindBeforeDays: policy.reviews.remindBeforeDays,
    repeatEveryDays: policy.reviews.repeatEveryDays,
    escalateAfterDays: policy.reviews.escalateAfterDays,
    timezone: policy.organization.timezone,
  };
  const shares = await sweepShares(db, o.splitMinSpan ?? SWEEP_SPLIT_MIN_SPAN, SWEEP_SHARES);
  const settled = await Promise.allSettled(
    shares.map((systems) =>
      db.transaction(async (tx) => {
        const r = await sweepReviews(tx, { ...input, systems });
        // One review.escalated event per escalation, in review order, chained in this transaction.
        if (r.escalated.length > 0) await appendAuditBatch(tx, r.escalated.map((e) => escalationEvent(e, now, at)));
        return r;
      }),
    ),
  );
  // Every share has ended before the run reports: a failed share's reviews are swept by the next run.
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const parts = settled.map((r) => (r as PromiseFulfilledResult<SweepResult>).value);
  // Stage two: systems assessed with questionnaire v1 that need a re-triage (retriage-flags.ts).
  const flags = await runRetriageFlags(deps, now);
  return {
    enqueued: parts.reduce((n, r) => n + r.written, flags.enqueued),
    examined: parts.reduce((n, r) => n + r.examined, flags.examined),
  };
}

/**
 * How the sweep is split. A sweep of many reviews is bound by Postgres building and inserting
 * one notification per review on one core (2.9 s at 100k reviews here); split by system id into
 * `shares` ranges, each swept in its own transaction on its own connection, it uses more cores.
 * The ranges are cut evenly between the lowest and highest system id with an open review (two
 * index reads). Each share moves its reviews' counters and writes their notifications exactly as
 * the whole sweep would; a share that fails leaves its reviews to the next run, as a failed run
 * does. `undefined`: one share, everything.
 */
export async function sweepShares(db: Db, minSpan: number, shares: number): Promise<Array<SystemRange | undefined>> {
  const [r] = rowsOf<{ lo: number | null; hi: number | null }>(
    await db.execute(sql`select min(system_id)::int as lo, max(system_id)::int as hi from reviews where status = 'open'`),
  );
  if (!r || r.lo === null || r.hi === null) return [undefined];
  const lo = Number(r.lo);
  const end = Number(r.hi) + 1;
  if (shares < 2 || end - lo < Math.max(minSpan, shares)) return [undefined];
  const step = Math.ceil((end - lo) / shares);
  return Array.from({ length: shares }, (_, i) => ({ from: lo + i * step, to: Math.min(end, lo + (i + 1) * step) })).filter((x) => x.from < x.to);
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
