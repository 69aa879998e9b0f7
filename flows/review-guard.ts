/**
 * Review actions are recorded once. Each action locks its system's row before it reads anything
 * it decides on, so double clicks, platform retries and two people racing are serialised; the
 * late one then finds what the first did and is told so ("already confirmed by Bob on …").
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, assessments, auditEvents, people, reviews } from '../db/schema';
import { canonicalJson } from './audit';
import { personLabel } from './identity';
import type { FlowContext } from './ports';
import type { Refusal } from './results';
import { refuse } from './results';
import type { Classification } from './triage/types';
import type { SystemView } from './views';
import { localDateTime, localDay, SYSTEM_STATUS_PHRASE } from './display';

const DAY_MS = 86_400_000;

/** A second completion of a review within this time of the first is a replay of it (ms). */
const REPLAY_WINDOW_MS = 10 * 60_000;

/** A review row. */
export type ReviewRow = typeof reviews.$inferSelect;

/** What a review action finds once it holds the lock. */
export interface LockedSystem {
  status: SystemView['status'];
  /** The answers and classification of the assessment in force, or null. */
  answers: unknown;
  result: Classification | null;
  /** The open review, if any (at most one: a partial unique index holds it). */
  open: ReviewRow | null;
  /**
   * Set when the open review was opened by a review that was just completed and nobody has been
   * asked about it yet: completing it again now is a replay of that action, not a new review.
   */
  completed: { status: string; by: string; at: Date } | null;
}

/** The policy's time zone, in which every date people read is given. */
const tzOf = (ctx: FlowContext) => ctx.deps.policy.organization.timezone;

const words = (s: SystemView['status']) => SYSTEM_STATUS_PHRASE[s] ?? s.replace(/_/g, ' ');

async function nameOf(tx: Db, workspaceId: number, where: { id: number } | { platformId: string }): Promise<string> {
  const [p] = await tx
    .select()
    .from(people)
    .where(and(eq(people.workspaceId, workspaceId), 'id' in where ? eq(people.id, where.id) : eq(people.platformId, where.platformId)));
  if (p) return personLabel(p);
  return 'platformId' in where ? where.platformId : 'someone';
}

/** The newest audit event of an action on a system: who (by name), when, and its data. */
async function lastEvent(tx: Db, ctx: FlowContext, systemId: number, action: string): Promise<{ by: string; at: Date; data: Record<string, unknown> } | null> {
  const [e] = await tx
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.workspaceId, ctx.workspace.id),
        eq(auditEvents.subjectType, 'ai_system'),
        eq(auditEvents.subjectId, String(systemId)),
        eq(auditEvents.action, action),
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  if (!e) return null;
  return { by: await nameOf(tx, ctx.workspace.id, { platformId: e.actor }), at: e.occurredAt, data: e.data as Record<string, unknown> };
}

/**
 * Locks the system row (the same first lock a decision takes) and reads the state a review action
 * decides on. Refuses when the system's status does not allow the action, saying what happened
 * when a review action brought it there.
 */
export async function lockForReview(
  tx: Db,
  ctx: FlowContext,
  system: Pick<SystemView, 'id' | 'ref'>,
  allowed: SystemView['status'][],
): Promise<LockedSystem | Refusal> {
  const [row] = await tx
    .select({ status: aiSystems.status, assessmentId: aiSystems.currentAssessmentId })
    .from(aiSystems)
    .where(and(eq(aiSystems.id, system.id), eq(aiSystems.workspaceId, ctx.workspace.id)))
    .for('update');
  if (!row) return refuse('not_found', `There is no system ${system.ref}.`);
  const status = row.status as SystemView['status'];
  if (!allowed.includes(status)) return statusRefusal(tx, ctx, system, status, allowed);
  const [open] = await tx
    .select()
    .from(reviews)
    .where(and(eq(reviews.systemId, system.id), eq(reviews.status, 'open')))
    .orderBy(desc(reviews.id))
    .limit(1);
  const [assessment] =
    row.assessmentId === null
      ? []
      : await tx.select({ answers: assessments.answers, result: assessments.result }).from(assessments).where(eq(assessments.id, row.assessmentId));
  return {
    status,
    answers: assessment?.answers ?? null,
    result: (assessment?.result as Classification | undefined) ?? null,
    open: open ?? null,
    completed: open ? await justCompleted(tx, ctx, open) : null,
  };
}

/**
 * The review completed a moment ago, when `open` is the review it opened and either nobody has
 * been asked about `open` yet (no reminder sent, its reminder window not started) or the
 * completion is minutes old: then this review cycle is done, and completing it again is a replay.
 */
async function justCompleted(tx: Db, ctx: FlowContext, open: ReviewRow): Promise<LockedSystem['completed']> {
  const [prev] = await tx
    .select()
    .from(reviews)
    .where(and(eq(reviews.systemId, open.systemId), lt(reviews.id, open.id)))
    .orderBy(desc(reviews.id))
    .limit(1);
  if (!prev || prev.status !== 'confirmed' || !prev.decidedAt || prev.decidedAt.getTime() !== open.createdAt.getTime()) return null;
  const now = ctx.deps.clock.now().getTime();
  const windowOpens = open.dueAt.getTime() - ctx.deps.policy.reviews.remindBeforeDays * DAY_MS;
  const notAskedYet = open.remindersSent === 0 && now < windowOpens;
  // Also with a review interval shorter than the reminder window, where the next cycle opens at once.
  const minutesOld = now - prev.decidedAt.getTime() < REPLAY_WINDOW_MS;
  if (!notAskedYet && !minutesOld) return null;
  const by = prev.decidedById === null ? 'someone' : await nameOf(tx, ctx.workspace.id, { id: prev.decidedById });
  return { status: prev.status, by, at: prev.decidedAt };
}

/** The refusal of a review action whose system is not (any more) in an allowed status. */
export async function statusRefusal(
  tx: Db,
  ctx: FlowContext,
  system: Pick<SystemView, 'id' | 'ref'>,
  status: SystemView['status'],
  allowed: SystemView['status'][],
): Promise<Refusal> {
  if (status === 'retired') {
    const e = await lastEvent(tx, ctx, system.id, 'system.retired');
    if (e) return refuse('already_decided', `Already retired: ${system.ref} was retired by ${e.by} on ${localDateTime(e.at, tzOf(ctx))}; nothing was changed.`);
  }
  if (status === 'pending_approval' || status === 'blocked') {
    const e = await lastEvent(tx, ctx, system.id, 'review.retriaged');
    if (e && e.data.needsApproval === true) {
      return refuse(
        'already_decided',
        `Already re-triaged by ${e.by} on ${localDateTime(e.at, tzOf(ctx))}: the answers changed the approval of ${system.ref}, which is now ${words(status)}. Nothing else was changed.`,
      );
    }
  }
  if (allowed.length === 1 && allowed[0] === 'approved') {
    return refuse('not_allowed', `${system.ref} is ${words(status)}; reviewing or snoozing it needs it to be approved.`);
  }
  return refuse('not_allowed', `${system.ref} is ${words(status)}; this review action needs it to be ${allowed.map(words).join(' or ')}.`);
}

/** The late confirmation's answer: who completed this review cycle, when, and what is next. */
export function alreadyConfirmed(ref: string, done: NonNullable<LockedSystem['completed']>, open: ReviewRow, tz = 'UTC'): Refusal {
  return refuse(
    'already_decided',
    `Already confirmed by ${done.by} on ${localDateTime(done.at, tz)}; the next review of ${ref} is due on ${localDay(open.dueAt, tz)}. Nothing was changed.`,
  );
}

/** The late snooze's answer: who snoozed the open review, until when and why. */
export async function alreadySnoozed(tx: Db, ctx: FlowContext, system: Pick<SystemView, 'id' | 'ref'>, open: ReviewRow): Promise<Refusal> {
  const e = await lastEvent(tx, ctx, system.id, 'review.snoozed');
  const who = e ? ` by ${e.by} on ${localDateTime(e.at, tzOf(ctx))}` : '';
  const why = open.snoozeReason ? ` (“${open.snoozeReason}”)` : '';
  return refuse(
    'already_decided',
    `Already snoozed${who} until ${localDay(open.snoozedUntil, tzOf(ctx))}${why}; a snooze cannot be extended, so nothing was changed.`,
  );
}

/** Whether two answer sets are the same (key order does not count). */
export function sameAnswers(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
