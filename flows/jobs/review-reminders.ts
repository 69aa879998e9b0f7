/**
 * The review-reminders job: owners of approved systems whose open review falls due within
 * `reviews.remindBeforeDays` get a review card, repeated every `reviews.repeatEveryDays` until
 * they act (confirm, update, retire) or snooze it; once a review is `escalateAfterDays` overdue,
 * the digest channel is told once and the owner's reminder says so.
 *
 * Everything due is derived from Postgres, so a run after an outage catches up with one reminder
 * per review (not one per missed day). The sweep is set-based: due reviews are read in pages of
 * {@link PAGE} (keyset on the review id), and each page is written in one transaction: one
 * statement moves the counters (only where they still hold what was read, so a racing worker or a
 * review acted on meanwhile is left alone) and inserts those reviews' notifications (ON CONFLICT
 * DO NOTHING on the dedupe key; see review-reminders-write.ts), then the escalations' audit
 * events follow as one chained batch. Two workers racing, or the same run twice at the same
 * `now`, write one set.
 */
import { and, asc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { aiSystems, people, reviews } from '../../db/schema';
import type { AuditInput } from '../audit';
import { systemRef } from '../views';
import type { JobDeps, JobReport } from './common';
import { auditTime, plural } from './common';
import { DAY_MS, localDate, nextAllowedTime } from './time';
import { runRetriageFlags } from './retriage-flags';
import type { Plan, PlanRow } from './review-reminders-write';
import { writePlans } from './review-reminders-write';

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

/** Reviews read and written per transaction. */
const PAGE = 2000;

/** A due review with what its notifications name. */
type Due = {
  r: typeof reviews.$inferSelect;
  system: { id: number; refNumber: number; name: string };
  owner: { id: number; platformId: string; displayName: string | null; email: string | null };
};

/** Runs the job as of `now` in every workspace. */
export async function runReviewReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const horizon = new Date(now.getTime() + policy.reviews.remindBeforeDays * DAY_MS);
  let enqueued = 0;
  let examined = 0;
  let after = 0;
  const shared = sharedOfRun(deps, now);
  // A real promise (drizzle's query runs again on every `then`), started at once.
  const readPage = async (from: number): Promise<Due[]> =>
    await db
      .select({
        r: reviews,
        system: { id: aiSystems.id, refNumber: aiSystems.refNumber, name: aiSystems.name },
        owner: { id: people.id, platformId: people.platformId, displayName: people.displayName, email: people.email },
      })
      .from(reviews)
      .innerJoin(aiSystems, eq(aiSystems.id, reviews.systemId))
      .innerJoin(people, eq(people.id, aiSystems.ownerId))
      .where(
        and(
          eq(reviews.status, 'open'),
          eq(aiSystems.status, 'approved'),
          lte(reviews.dueAt, horizon),
          or(isNull(reviews.snoozedUntil), lte(reviews.snoozedUntil, now)),
          gt(reviews.id, from),
        ),
      )
      .orderBy(asc(reviews.id))
      .limit(PAGE);
  let next = readPage(after);
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    examined += page.length;
    after = page[page.length - 1]!.r.id;
    // The next page is read while this one is written (on another pooled connection): keyset
    // pages are disjoint, and the write re-checks every counter it moves. Awaited next round; the
    // catch only keeps a failed write from leaving it unhandled.
    next = page.length < PAGE ? Promise.resolve([]) : readPage(after);
    next.catch(() => undefined);
    const plans = page.map((d) => planReview(deps, d, now, shared)).filter((p): p is Plan => p !== null);
    if (plans.length > 0) enqueued += await db.transaction((tx) => writePlans(tx, plans, now, shared.notBefore));
    if (page.length < PAGE) break;
  }
  // Stage two: systems assessed with questionnaire v1 that need a re-triage (retriage-flags.ts).
  const flags = await runRetriageFlags(deps, now);
  return { enqueued: enqueued + flags.enqueued, examined: examined + flags.examined };
}

/** What every review of a run shares: the send time, the audit time, local due dates by instant. */
type RunShared = { notBefore: Date; at: Date; dueDay: (at: Date) => string };

function sharedOfRun(deps: JobDeps, now: Date): RunShared {
  const tz = deps.policy.organization.timezone;
  const days = new Map<number, string>();
  return {
    notBefore: nextAllowedTime(deps.policy, now),
    at: auditTime(deps),
    // Many reviews fall due at the same instant (systems approved together): format each once.
    dueDay: (at) => {
      let day = days.get(at.getTime());
      if (day === undefined) days.set(at.getTime(), (day = localDate(at, tz)));
      return day;
    },
  };
}

/** Decides what one due review needs as of `now`, or null for nothing. */
function planReview(deps: JobDeps, d: Due, now: Date, shared: RunShared): Plan | null {
  const { policy } = deps;
  const { r, system, owner } = d;
  const r2 = policy.reviews;
  if (r.dueAt.getTime() - r2.remindBeforeDays * DAY_MS > now.getTime()) return null;

  const late = now.getTime() - r.dueAt.getTime();
  const overdueDays = late > 0 ? Math.floor(late / DAY_MS) : 0;
  const dueInDays = late < 0 ? Math.ceil(-late / DAY_MS) : 0;
  const escalateNow = late > 0 && overdueDays >= r2.escalateAfterDays && r.escalatedAt === null;
  const repeatDue = r.lastRemindedAt === null || r.lastRemindedAt.getTime() + r2.repeatEveryDays * DAY_MS <= now.getTime();
  const remindNow = r.remindersSent === 0 || repeatDue || escalateNow;
  if (!remindNow && !escalateNow) return null;

  const ref = systemRef(system.refNumber);
  const dueDay = shared.dueDay(r.dueAt);
  const escalated = escalateNow || r.escalatedAt !== null;
  const ownerName = owner.displayName ?? owner.platformId;
  const n = r.remindersSent + 1;

  const when = overdueDays > 0 ? `was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue` : late > 0 ? `was due on ${dueDay}` : `is due on ${dueDay} (in ${plural(dueInDays, 'day')})`;
  // The payloads (ReviewReminderPayload, ReviewEscalationPayload) are built from this row in SQL.
  const row: PlanRow = {
    id: r.id,
    prev: r.remindersSent,
    next: n,
    esc: escalateNow,
    ws: r.workspaceId,
    s: system.id,
    ref,
    nm: system.name,
    to: owner.id,
    d: r.dueAt.toISOString(),
    od: overdueDays,
    di: dueInDays,
    x: escalated,
    w: when,
  };
  let audit: AuditInput | null = null;
  if (escalateNow) {
    row.o = { id: owner.id, platformId: owner.platformId, name: ownerName, email: owner.email };
    row.et = `Overdue review: ${ref} "${system.name}" (owner ${ownerName}) was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue.`;
    audit = {
      workspaceId: r.workspaceId,
      actor: 'system',
      action: 'review.escalated',
      subjectType: 'ai_system',
      subjectId: system.id,
      // Dated by the wall clock; the time the job ran "as of" is part of what it records.
      data: { reviewId: r.id, dueAt: r.dueAt.toISOString(), overdueDays, asOf: now.toISOString() },
      at: shared.at,
    };
  }
  return { row, audit };
}
