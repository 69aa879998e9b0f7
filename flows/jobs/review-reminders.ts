/**
 * The review-reminders job: owners of approved systems whose open review falls due within
 * `reviews.remindBeforeDays` get a review card, repeated every `reviews.repeatEveryDays` until
 * they act (confirm, update, retire) or snooze it; once a review is `escalateAfterDays` overdue,
 * the digest channel is told once and the owner's reminder says so.
 *
 * Everything due is derived from Postgres, so a run after an outage catches up with one reminder
 * per review (not one per missed day). Each review row is locked while its counters and the
 * notifications are written in one transaction, and every notification carries a unique dedupe
 * key: two workers racing, or the same run twice at the same `now`, write one set.
 */
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { aiSystems, people, reviews } from '../../db/schema';
import { appendAudit } from '../audit';
import { enqueue } from '../outbox';
import { systemRef } from '../views';
import type { JobDeps, JobReport } from './common';
import { auditTime, plural } from './common';
import { DAY_MS, localDate, nextAllowedTime } from './time';
import { runRetriageFlags } from './retriage-flags';

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

type Candidate = { reviewId: number; systemId: number; workspaceId: number };

/** Runs the job as of `now` in every workspace. */
export async function runReviewReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const horizon = new Date(now.getTime() + policy.reviews.remindBeforeDays * DAY_MS);
  const candidates: Candidate[] = await db
    .select({ reviewId: reviews.id, systemId: reviews.systemId, workspaceId: reviews.workspaceId })
    .from(reviews)
    .innerJoin(aiSystems, eq(aiSystems.id, reviews.systemId))
    .where(
      and(
        eq(reviews.status, 'open'),
        eq(aiSystems.status, 'approved'),
        lte(reviews.dueAt, horizon),
        or(isNull(reviews.snoozedUntil), lte(reviews.snoozedUntil, now)),
      ),
    )
    .orderBy(reviews.id);
  let enqueued = 0;
  for (const c of candidates) enqueued += await remindOne(deps, c, now);
  // Stage two: systems assessed with questionnaire v1 that need a re-triage (retriage-flags.ts).
  const flags = await runRetriageFlags(deps, now);
  return { enqueued: enqueued + flags.enqueued, examined: candidates.length + flags.examined };
}

/** Decides and writes what one review needs, under a lock on its row. Returns notifications written. */
async function remindOne(deps: JobDeps, c: Candidate, now: Date): Promise<number> {
  const { db, policy } = deps;
  return db.transaction(async (tx) => {
    const [r] = await tx.select().from(reviews).where(eq(reviews.id, c.reviewId)).for('update');
    if (!r || r.status !== 'open') return 0;
    if (r.snoozedUntil && r.snoozedUntil > now) return 0;
    const [row] = await tx
      .select({ system: aiSystems, owner: people })
      .from(aiSystems)
      .innerJoin(people, eq(people.id, aiSystems.ownerId))
      .where(eq(aiSystems.id, c.systemId));
    if (!row || row.system.status !== 'approved') return 0;
    const { system, owner } = row;
    const r2 = policy.reviews;
    if (r.dueAt.getTime() - r2.remindBeforeDays * DAY_MS > now.getTime()) return 0;

    const late = now.getTime() - r.dueAt.getTime();
    const overdueDays = late > 0 ? Math.floor(late / DAY_MS) : 0;
    const dueInDays = late < 0 ? Math.ceil(-late / DAY_MS) : 0;
    const escalateNow = late > 0 && overdueDays >= r2.escalateAfterDays && r.escalatedAt === null;
    const repeatDue = r.lastRemindedAt === null || r.lastRemindedAt.getTime() + r2.repeatEveryDays * DAY_MS <= now.getTime();
    const remindNow = r.remindersSent === 0 || repeatDue || escalateNow;
    if (!remindNow && !escalateNow) return 0;

    const ref = systemRef(system.refNumber);
    const tz = policy.organization.timezone;
    const dueDay = localDate(r.dueAt, tz);
    const notBefore = nextAllowedTime(policy, now);
    const escalated = escalateNow || r.escalatedAt !== null;
    const ownerName = owner.displayName ?? owner.platformId;
    let written = 0;

    const n = r.remindersSent + 1;
    const changed = await tx
      .update(reviews)
      .set({ remindersSent: n, lastRemindedAt: now, ...(escalateNow ? { escalatedAt: now } : {}) })
      .where(and(eq(reviews.id, r.id), eq(reviews.remindersSent, r.remindersSent)))
      .returning({ id: reviews.id });
    if (changed.length === 0) return 0;

    const when = overdueDays > 0 ? `was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue` : late > 0 ? `was due on ${dueDay}` : `is due on ${dueDay} (in ${plural(dueInDays, 'day')})`;
    const reminder: ReviewReminderPayload = {
      reviewId: r.id,
      systemId: system.id,
      ref,
      name: system.name,
      dueAt: r.dueAt.toISOString(),
      overdueDays,
      dueInDays,
      reminderNumber: n,
      escalated,
      text:
        `Review of ${ref} "${system.name}" ${when}. Is the registration still accurate? ` +
        `Confirm it, update the answers, retire the system, or snooze the review (at most 30 days, with a reason).` +
        (escalated ? ' The review is overdue and compliance has been told.' : '') +
        (n > 1 ? ` (reminder ${n})` : ''),
    };
    if (
      await enqueue(tx, {
        workspaceId: r.workspaceId,
        dedupeKey: `review.reminder:${r.id}:${r.dueAt.toISOString()}:${n}`,
        kind: 'review.reminder',
        recipient: { person: owner.id },
        payload: reminder,
        notBefore,
      })
    ) {
      written += 1;
    }

    if (escalateNow) {
      const escalation: ReviewEscalationPayload = {
        reviewId: r.id,
        systemId: system.id,
        ref,
        name: system.name,
        owner: { id: owner.id, platformId: owner.platformId, name: ownerName, email: owner.email },
        dueAt: r.dueAt.toISOString(),
        overdueDays,
        text: `Overdue review: ${ref} "${system.name}" (owner ${ownerName}) was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue.`,
      };
      if (
        await enqueue(tx, {
          workspaceId: r.workspaceId,
          dedupeKey: `review.escalation:${r.id}:${r.dueAt.toISOString()}`,
          kind: 'review.escalation',
          recipient: { channel: 'digest' },
          payload: escalation,
          notBefore,
        })
      ) {
        written += 1;
      }
      await appendAudit(tx, {
        workspaceId: r.workspaceId,
        actor: 'system',
        action: 'review.escalated',
        subjectType: 'ai_system',
        subjectId: system.id,
        // Dated by the wall clock; the time the job ran "as of" is part of what it records.
        data: { reviewId: r.id, dueAt: r.dueAt.toISOString(), overdueDays, asOf: now.toISOString() },
        at: auditTime(deps),
      });
    }
    return written;
  });
}
