/**
 * Review actions are recorded once: replays and concurrent clicks of confirm, snooze, re-triage
 * and retire leave one open review and one audit event, the late actor is told what already
 * happened, and the next reminder run sends one card. On both databases.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { approvalRequests, auditEvents, notifications, reviews } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

const DAY = 86_400_000;

describe.each(DB_KINDS)('idempotent review actions on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let as: ReturnType<typeof actors>['as'];
  let deps: ReturnType<typeof actors>['deps'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as, deps } = actors(database.db, clock));
  });
  afterAll(async () => database?.destroy());
  beforeEach(() => clock.set('2026-11-02T09:00:00Z'));

  /** Registers a minimal tool owned by bob and approves it: one open review. */
  async function approvedTool(name: string): Promise<{ ref: string; systemId: number }> {
    const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(`not registered: ${JSON.stringify(r)}`);
    const d = await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
    expect(d.kind).toBe('recorded');
    return { ref: r.system.ref, systemId: r.system.id };
  }

  const openReviews = (systemId: number) =>
    database.db.select().from(reviews).where(and(eq(reviews.systemId, systemId), eq(reviews.status, 'open')));
  const events = (systemId: number, action: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, 'ai_system'), eq(auditEvents.subjectId, String(systemId)), eq(auditEvents.action, action)));

  it('five concurrent confirms by the owner: one recorded, four told who confirmed it; one reminder later', async () => {
    const { ref, systemId } = await approvedTool('Five Clicks');
    const bob = await as('bob');
    const results = await Promise.all(Array.from({ length: 5 }, () => flows.confirmReview(bob, ref)));
    expect(results.filter((r) => r.kind === 'confirmed')).toHaveLength(1);
    const late = results.filter((r) => r.kind === 'refused');
    expect(late).toHaveLength(4);
    for (const r of late) {
      expect(r).toMatchObject({ code: 'already_decided' });
      expect(r.kind === 'refused' && r.message).toMatch(/already confirmed by bob on 2026-11-02 09:00 \(UTC\)/i);
    }
    expect(await openReviews(systemId)).toHaveLength(1);
    expect(await events(systemId, 'review.confirmed')).toHaveLength(1);

    // When the next review comes due, the owner gets one card, not one per open review.
    const [open] = await openReviews(systemId);
    const asOf = new Date(open!.dueAt.getTime() - 7 * DAY);
    await flows.runReviewReminders(deps, asOf);
    const cards = await database.db.select().from(notifications).where(eq(notifications.kind, 'review.reminder'));
    expect(cards.filter((n) => (n.payload as { systemId: number }).systemId === systemId)).toHaveLength(1);
  });

  it('a replayed confirm is answered with what happened and changes nothing', async () => {
    const { ref, systemId } = await approvedTool('Replayed');
    const bob = await as('bob');
    expect((await flows.confirmReview(bob, ref)).kind).toBe('confirmed');
    const [before] = await openReviews(systemId);
    clock.advance(60_000);
    const replay = await flows.confirmReview(bob, ref);
    expect(replay).toMatchObject({ kind: 'refused', code: 'already_decided' });
    expect(replay.kind === 'refused' && replay.message).toContain(`next review of ${ref} is due on ${before!.dueAt.toISOString().slice(0, 10)}`);
    // Compliance clicking the same card is told too.
    const late = await flows.confirmReview(await as('carol'), ref);
    expect(late.kind === 'refused' && late.message).toMatch(/already confirmed by bob/i);
    expect(await openReviews(systemId)).toEqual([before]);
    expect(await events(systemId, 'review.confirmed')).toHaveLength(1);
  });

  it('a review can be confirmed again once its next reminder window opens', async () => {
    const { ref, systemId } = await approvedTool('Next Cycle');
    const bob = await as('bob');
    expect((await flows.confirmReview(bob, ref)).kind).toBe('confirmed');
    const [open] = await openReviews(systemId);
    clock.set(new Date(open!.dueAt.getTime() - 3 * DAY));
    expect((await flows.confirmReview(bob, ref)).kind).toBe('confirmed');
    expect(await events(systemId, 'review.confirmed')).toHaveLength(2);
    expect(await openReviews(systemId)).toHaveLength(1);
  });

  it('a replay is caught when the reminder window is longer than the review interval', async () => {
    const policy = testPolicy({ reviews: { minimalDays: 7, remindBeforeDays: 14 } });
    const short = actors(database.db, clock, policy, 'shell', 'short-cycle');
    const r = await flows.register(await short.as('alice'), { fields: fieldsFor('Weekly Tool', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const bob = await short.as('bob');
    expect((await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'approve' })).kind).toBe('recorded');
    expect((await flows.confirmReview(bob, r.system.ref)).kind).toBe('confirmed');
    clock.advance(2 * 60_000);
    expect(await flows.confirmReview(bob, r.system.ref)).toMatchObject({ code: 'already_decided' });
    expect(await events(r.system.id, 'review.confirmed')).toHaveLength(1);
    // Later the same day it is a new confirmation: the next review is already in its reminder window.
    clock.advance(3 * 3_600_000);
    expect((await flows.confirmReview(bob, r.system.ref)).kind).toBe('confirmed');
  });

  it('concurrent snoozes: one snooze, one card update; the others are told until when and why', async () => {
    const { ref, systemId } = await approvedTool('Sleepy');
    const bob = await as('bob');
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => flows.snoozeReview(bob, ref, 10 + i, 'audit season')));
    expect(results.filter((r) => r.kind === 'snoozed')).toHaveLength(1);
    const late = results.filter((r) => r.kind === 'refused');
    expect(late).toHaveLength(4);
    for (const r of late) expect(r.kind === 'refused' && r.message).toMatch(/already snoozed by bob on 2026-11-02 09:00 \(UTC\) until 2027-1\d-\d\d \(“audit season”\)/i);
    expect(await events(systemId, 'review.snoozed')).toHaveLength(1);
    const [open] = await openReviews(systemId);
    const updates = await database.db.select().from(notifications).where(eq(notifications.kind, 'review.updated'));
    expect(updates.filter((n) => (n.payload as { reviewId: number }).reviewId === open!.id)).toHaveLength(1);
    // A replay a minute later is refused too, so a snooze cannot be stretched past 30 days.
    clock.advance(60_000);
    expect(await flows.snoozeReview(bob, ref, 30, 'audit season')).toMatchObject({ code: 'already_decided' });
    expect(await events(systemId, 'review.snoozed')).toHaveLength(1);
  });

  it('concurrent retires: one retirement event, the others told who retired it', async () => {
    const { ref, systemId } = await approvedTool('Old Tool');
    const [bob, carol] = [await as('bob'), await as('carol')];
    const results = await Promise.all([bob, carol, bob, carol, bob].map((who) => flows.retire(who, ref, 'replaced')));
    expect(results.filter((r) => r.kind === 'retired')).toHaveLength(1);
    const late = results.filter((r) => r.kind === 'refused');
    expect(late).toHaveLength(4);
    for (const r of late) expect(r.kind === 'refused' && r.message).toMatch(new RegExp(`already retired: ${ref} was retired by (bob|carol) on 2026-11-02`, 'i'));
    expect(await events(systemId, 'system.retired')).toHaveLength(1);
    expect(await openReviews(systemId)).toHaveLength(0);
  });

  it('concurrent re-triage with unchanged answers: one assessment and one event', async () => {
    const { ref, systemId } = await approvedTool('Same Answers');
    const bob = await as('bob');
    const results = await Promise.all(Array.from({ length: 4 }, () => flows.retriage(bob, ref, minimalAnswers)));
    expect(results.filter((r) => r.kind === 'retriaged')).toHaveLength(1);
    for (const r of results.filter((x) => x.kind === 'refused')) {
      expect(r.kind === 'refused' && r.message).toMatch(/already (re-triaged|confirmed) by bob/i);
    }
    expect(await events(systemId, 'review.retriaged')).toHaveLength(1);
    expect(await events(systemId, 'assessment.submitted')).toHaveLength(2);
    expect(await openReviews(systemId)).toHaveLength(1);
    // Different answers right after are a real change, not a replay.
    const changed = await flows.retriage(bob, ref, { ...minimalAnswers, data_categories: ['personal'] });
    expect(changed).toMatchObject({ kind: 'retriaged', system: { status: 'pending_approval' } });
  });

  it('concurrent re-triage that changes the class: one new approval request', async () => {
    const { ref, systemId } = await approvedTool('New Class');
    const bob = await as('bob');
    const answers = { ...minimalAnswers, data_categories: ['personal'] };
    const results = await Promise.all(Array.from({ length: 4 }, () => flows.retriage(bob, ref, answers)));
    expect(results.filter((r) => r.kind === 'retriaged')).toHaveLength(1);
    for (const r of results.filter((x) => x.kind === 'refused')) {
      expect(r.kind === 'refused' && r.message).toMatch(/already re-triaged by bob on 2026-11-02 09:00 \(UTC\)/i);
    }
    const requests = await database.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, systemId));
    expect(requests.filter((q) => q.status === 'pending')).toHaveLength(1);
    expect(await events(systemId, 'review.retriaged')).toHaveLength(1);
  });

  it('the database allows one open review per system', async () => {
    const { systemId } = await approvedTool('Indexed');
    const [open] = await openReviews(systemId);
    await expect(
      database.db.insert(reviews).values({ workspaceId: open!.workspaceId, systemId, dueAt: new Date(), status: 'open', createdAt: new Date() }),
    ).rejects.toThrow();
    // Closed reviews are not limited.
    await database.db.insert(reviews).values({ workspaceId: open!.workspaceId, systemId, dueAt: new Date(), status: 'superseded', createdAt: new Date() });
    expect(await openReviews(systemId)).toHaveLength(1);
  });

  it('keeps an intact audit chain', async () => {
    expect(await flows.verifyAudit(database.db)).toMatchObject({ ok: true });
  });
});
