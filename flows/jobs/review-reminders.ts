/**
 * The review-reminders job: owners of approved systems whose open review falls due within
 * `reviews.remindBeforeDays` get a review card, repeated every `reviews.repeatEveryDays` until
 * they act (confirm, update, retire) or snooze it; once a review is `escalateAfterDays` overdue,
 * the digest channel is told once and the owner's reminder says so.
 *
 * Everything due is derived from Postgres, so a run after an outage catches up with one reminder
 * per review (not one per missed day). The sweep is set-based: due reviews are read in pages of
 * {@link PAGE} (keyset on the review id), and each page is written in one transaction with three
 * statements — the counters (only where they still hold what was read, so a racing worker or a
 * review acted on meanwhile is left alone), the notifications (INSERT … ON CONFLICT DO NOTHING on
 * the dedupe key) and the audit events (one chained batch). Two workers racing, or the same run
 * twice at the same `now`, write one set.
 */
import { and, asc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, reviews } from '../../db/schema';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { NotificationInput } from '../outbox';
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

/** Reviews read and written per transaction. */
const PAGE = 2000;

/** A due review with what its notifications name. */
type Due = {
  r: typeof reviews.$inferSelect;
  system: { id: number; refNumber: number; name: string };
  owner: { id: number; platformId: string; displayName: string | null; email: string | null };
};

/** What one review needs written. */
type Plan = { reviewId: number; prev: number; next: number; escalate: boolean; notifications: NotificationInput[]; audit: AuditInput | null };

/** Runs the job as of `now` in every workspace. */
export async function runReviewReminders(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const horizon = new Date(now.getTime() + policy.reviews.remindBeforeDays * DAY_MS);
  let enqueued = 0;
  let examined = 0;
  let after = 0;
  const shared = sharedOfRun(deps, now);
  for (;;) {
    const page: Due[] = await db
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
          gt(reviews.id, after),
        ),
      )
      .orderBy(asc(reviews.id))
      .limit(PAGE);
    if (page.length === 0) break;
    examined += page.length;
    after = page[page.length - 1]!.r.id;
    const plans = page.map((d) => planReview(deps, d, now, shared)).filter((p): p is Plan => p !== null);
    if (plans.length > 0) enqueued += await db.transaction((tx) => writePlans(tx, plans, now, shared.notBefore));
    if (page.length < PAGE) break;
  }
  // Stage two: systems assessed with questionnaire v1 that need a re-triage (retriage-flags.ts).
  const flags = await runRetriageFlags(deps, now);
  return { enqueued: enqueued + flags.enqueued, examined: examined + flags.examined };
}

/**
 * Writes a page's plans in one statement: the counters first, and only the reviews whose counters
 * still hold what was read (still open, not snoozed, system still approved) get their
 * notifications (same rows and ON CONFLICT as `enqueueMany` in outbox.ts). Only the count of new
 * notifications and the ids of the escalated reviews come back, so the audit events of exactly
 * those are appended in the same transaction. Returns the notifications newly written.
 */
async function writePlans(tx: Db, plans: Plan[], now: Date, notBefore: Date): Promise<number> {
  const at = now.toISOString();
  const counters = plans.map((p) => ({ id: p.reviewId, prev: p.prev, next: p.next, escalate: p.escalate }));
  // Each notification carries the review it belongs to, so the insert keeps only the won ones.
  const rows = plans.flatMap((p) => p.notifications.map((n) => ({ r: p.reviewId, w: n.workspaceId, k: n.dedupeKey, t: n.kind, to: n.recipient, p: n.payload })));
  const result = await tx.execute<{ written: number; escalated: number[] }>(sql`
    with won as (
      update reviews r
      set reminders_sent = v.next, last_reminded_at = ${at}::timestamptz,
          escalated_at = case when v.escalate then ${at}::timestamptz else r.escalated_at end
      from jsonb_to_recordset(${JSON.stringify(counters)}::jsonb) as v(id integer, prev integer, next integer, escalate boolean)
      where r.id = v.id and r.reminders_sent = v.prev and r.status = 'open'
        and (r.snoozed_until is null or r.snoozed_until <= ${at}::timestamptz)
        and exists (select 1 from ai_systems s where s.id = r.system_id and s.status = 'approved')
      returning r.id, v.escalate
    ), ins as (
      insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
      select n.w, n.k, n.t, n."to", n.p, 'pending', ${notBefore.toISOString()}::timestamptz, ${notBefore.toISOString()}::timestamptz
      from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (r integer, w integer, k text, t text, "to" jsonb, p jsonb))
        with ordinality as n(r, w, k, t, "to", p, ord)
      where n.r in (select id from won)
      -- Ids in plan order (a review's reminder before its escalation), as one enqueue after another would give.
      order by n.ord
      on conflict (dedupe_key) do nothing
      returning 1
    )
    select (select count(*) from ins)::int as written,
      coalesce((select jsonb_agg(id) from won where escalate), '[]'::jsonb) as escalated`);
  const out = rowsOf<{ written: number; escalated: number[] | string }>(result)[0];
  if (!out) return 0;
  const escalated = new Set<number>((typeof out.escalated === 'string' ? (JSON.parse(out.escalated) as number[]) : out.escalated).map(Number));
  if (escalated.size > 0) await appendAuditBatch(tx, plans.flatMap((p) => (p.audit && escalated.has(p.reviewId) ? [p.audit] : [])));
  return Number(out.written);
}

/** Rows of `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
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
  const notBefore = shared.notBefore;
  const escalated = escalateNow || r.escalatedAt !== null;
  const ownerName = owner.displayName ?? owner.platformId;
  const n = r.remindersSent + 1;

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
  const notifications: NotificationInput[] = [
    {
      workspaceId: r.workspaceId,
      dedupeKey: `review.reminder:${r.id}:${r.dueAt.toISOString()}:${n}`,
      kind: 'review.reminder',
      recipient: { person: owner.id },
      payload: reminder,
      notBefore,
    },
  ];
  let audit: AuditInput | null = null;
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
    notifications.push({
      workspaceId: r.workspaceId,
      dedupeKey: `review.escalation:${r.id}:${r.dueAt.toISOString()}`,
      kind: 'review.escalation',
      recipient: { channel: 'digest' },
      payload: escalation,
      notBefore,
    });
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
  return { reviewId: r.id, prev: r.remindersSent, next: n, escalate: escalateNow, notifications, audit };
}
