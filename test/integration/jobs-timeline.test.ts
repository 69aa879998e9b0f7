/**
 * The jobs over a seeded dataset on the real Postgres, across simulated days: the exact digest,
 * review reminders with repeats, escalation and the chase stopping, approval reminders with
 * escalation, idempotent re-runs, racing runs, and a platform 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, notifications, reviews } from '../../db/schema';
import type { FlowDeps, OutboxRow } from '../../flows';
import { confirmReview, decideForSystem, digestInventoryCsv, dispatchDue, retire, reviewReminderText, runApprovalReminders, runReviewReminders, runWeeklyDigest, snoozeReview } from '../../flows';
import type { ReviewReminderPayload, WeeklyDigestPayload } from '../../flows';
import { openDatabase } from '../../db/client';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { recordingDeliverer } from '../helpers/recording-deliverer';
import { SEED_AT, seedActor, seedDataset, seedPolicy } from '../helpers/jobs-seed';

const JOBS = { review: runReviewReminders, approval: runApprovalReminders, digest: runWeeklyDigest };

describe('scheduled jobs over a seeded dataset', () => {
  let tdb: TestDatabase;
  let deps: FlowDeps;
  const clock = testClock(SEED_AT);
  const rec = recordingDeliverer();

  /** Runs a job as of `iso`, delivers what is due, and returns what was sent by this call. */
  async function run(job: keyof typeof JOBS, iso: string): Promise<OutboxRow[]> {
    clock.set(iso);
    await JOBS[job](deps, clock.now());
    const before = rec.sent.length;
    await dispatchDue(deps.db, clock, rec.deliver);
    return rec.sent.slice(before);
  }
  const kinds = (rows: OutboxRow[]) => rows.map((r) => r.kind).sort();

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    deps = { db: tdb.db, policy: seedPolicy(), clock };
    await seedDataset(deps);
    // What the flows themselves wrote is not under test here.
    await dispatchDue(deps.db, clock, async () => ({ ok: true }));
  });
  afterAll(async () => {
    await tdb?.destroy();
  });

  it('builds the exact weekly digest of the seeded week', async () => {
    const sent = await run('digest', '2026-10-05T09:00:00Z');
    expect(kinds(sent)).toEqual(['digest.weekly']);
    expect(sent[0]!.recipient).toEqual({ channel: 'digest' });
    const p = sent[0]!.payload as WeeklyDigestPayload;
    const d = p.digest;
    const names = (xs: Array<{ ref: string; name: string }>) => xs.map((x) => `${x.ref} ${x.name}`);
    expect(d.quiet).toBe(false);
    expect(d.periodLabel).toBe('2026-09-28 – 2026-10-05');
    expect(d.counts).toEqual({ registrations: 6, approvals: 2, rejections: 1, changesRequested: 1, blocked: 1 });
    expect(names(d.activity.approved)).toEqual(['AI-1 Chatty', 'AI-2 Screener']);
    expect(names(d.activity.rejected)).toEqual(['AI-5 Rejecto']);
    expect(names(d.activity.changesRequested)).toEqual(['AI-6 Fixme']);
    expect(names(d.activity.blocked)).toEqual(['AI-4 Scorer']);
    expect(d.pendingApprovals.map((x) => [x.ref, x.ageHours, x.ageDays, x.waitingFor])).toEqual([
      ['AI-3', 95, 3, ['owner', 'compliance', 'privacy']],
    ]);
    expect(d.reviewsDueSoon).toEqual([]);
    expect(d.reviewsOverdue).toEqual([]);
    expect(d.inventory).toEqual({
      total: 6,
      byRiskClass: [
        { key: 'minimal', count: 3 },
        { key: 'high', count: 2 },
        { key: 'prohibited', count: 1 },
      ],
      byDepartment: [
        { key: 'Operations', count: 5 },
        { key: 'HR', count: 1 },
      ],
    });
    expect(names(d.hiddenAi)).toEqual(['AI-1 Chatty', 'AI-3 Pending Tool']);
    expect(names(d.highRisk)).toEqual(['AI-2 Screener', 'AI-3 Pending Tool']);
    expect(names(d.prohibited)).toEqual(['AI-4 Scorer']);
    expect(p.text).toContain('This week: 6 registrations, 2 approvals, 1 rejection, 1 request for changes, 1 blocked.');
    expect(p.text).toContain('AI-3 Pending Tool — waiting 3 days for owner, compliance, privacy');
    // The outbox row names the inventory instead of holding it; the CSV is built at delivery.
    expect(p.csv).toBeUndefined();
    expect(p.inventoryCsv).toEqual({ workspaceId: sent[0]!.workspaceId });
    const text = (await digestInventoryCsv(deps.db, p))!;
    expect(text.startsWith('\uFEFFref,')).toBe(true);
    const csv = text.slice(1).trim().split('\n');
    expect(csv[0]).toBe('ref,name,vendor,url,purpose,owner,owner_email,department,usage_status,status,risk_class,approvers,obligations,next_review_at,registered_at');
    expect(csv).toHaveLength(7);
    expect(csv[2]).toMatch(/^AI-2,Screener,Acme AI,.*,bob,,HR,planned,approved,high,owner; compliance; privacy,/);
    // The same week again (a second firing, a second worker): nothing new.
    expect(await run('digest', '2026-10-05T09:00:05Z')).toEqual([]);
  });

  it('reminds the approvers of a pending request after 48 hours, then escalates after 2 reminders', async () => {
    const first = await run('approval', '2026-10-03T10:00:00Z');
    // carol (owner step), compliance (known), dpo (known) by DM; dpo2 never seen → the approvals channel.
    expect(first.map((r) => [r.kind, r.recipient])).toHaveLength(4);
    expect(first.filter((r) => 'channel' in (r.recipient as object)).map((r) => (r.payload as { approvers: string[] }).approvers)).toEqual([['shell:dpo2']]);
    expect(first.every((r) => (r.payload as { reminderNumber: number; ageHours: number }).reminderNumber === 1)).toBe(true);
    expect(await run('approval', '2026-10-03T10:00:00Z')).toEqual([]);
    expect(await run('approval', '2026-10-04T12:00:00Z')).toEqual([]);
    const second = await run('approval', '2026-10-05T10:00:00Z');
    expect(kinds(second)).toEqual([...Array(3).fill('approval.escalation'), ...Array(4).fill('approval.reminder')]);
    const esc = second.filter((r) => r.kind === 'approval.escalation');
    expect(esc.map((r) => (r.payload as { role: string }).role).sort()).toEqual(['compliance', 'owner', 'privacy']);
    expect((esc[0]!.payload as { text: string }).text).toContain('AI-3 "Pending Tool"');
    const escalated = await deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'approval.escalated'));
    expect(escalated.map((e) => e.subjectId).sort()).toEqual(esc.map((r) => String((r.payload as { stepId: number }).stepId)).sort());
    // A decided step is never chased again; the others go on, without a second escalation.
    const carol = await seedActor(deps, 'carol');
    clock.set('2026-10-06T10:00:00Z');
    expect((await decideForSystem(carol, 'AI-3', 'approve')).kind).toBe('recorded');
    await dispatchDue(deps.db, clock, async () => ({ ok: true }));
    const third = await run('approval', '2026-10-07T10:00:00Z');
    expect(kinds(third)).toEqual(['approval.reminder', 'approval.reminder', 'approval.reminder']);
    expect(third.some((r) => (r.payload as { role: string }).role === 'owner')).toBe(false);
  });

  it('sends review reminders ahead of the due date, repeating every 3 days', async () => {
    expect((await run('review', '2026-10-07T09:00:00Z')).filter((r) => r.kind.startsWith('review'))).toEqual([]);
    const first = await run('review', '2026-10-07T10:00:00Z');
    expect(kinds(first)).toEqual(['review.reminder']);
    const p = first[0]!.payload as Record<string, unknown>;
    expect(p).toMatchObject({ ref: 'AI-1', name: 'Chatty', dueAt: '2026-10-21T10:00:00.000Z', overdueDays: 0, dueInDays: 14, reminderNumber: 1, escalated: false });
    expect(first[0]!.dedupeKey).toBe(`review.reminder:${p.reviewId}:2026-10-21T10:00:00.000Z:1`);
    expect(await run('review', '2026-10-07T10:00:00Z')).toEqual([]);
    expect(await run('review', '2026-10-09T10:00:00Z')).toEqual([]);
    const second = await run('review', '2026-10-10T10:00:00Z');
    expect(second.map((r) => (r.payload as { reminderNumber: number }).reminderNumber)).toEqual([2]);
  });

  it('stops chasing while snoozed, and starts again when the snooze ends', async () => {
    clock.set('2026-10-11T10:00:00Z');
    const r = await snoozeReview(await seedActor(deps, 'alice'), 'AI-1', 12, 'Vendor audit pending');
    expect(r.kind).toBe('snoozed');
    // AI-2's window opens on 2026-10-17; AI-1 stays quiet until 2026-10-23.
    const during = await run('review', '2026-10-20T10:00:00Z');
    // The snooze itself updated the posted review card of AI-1.
    expect(during.filter((x) => x.kind === 'review.updated').map((x) => (x.payload as { status: string }).status)).toEqual(['snoozed']);
    expect(during.filter((x) => x.kind === 'review.reminder').map((x) => (x.payload as { ref: string }).ref)).toEqual(['AI-2']);
    expect(await run('review', '2026-10-23T09:00:00Z')).toEqual([]);
    const after = await run('review', '2026-10-23T10:00:00Z');
    expect(after.map((x) => [(x.payload as { ref: string }).ref, (x.payload as { reminderNumber: number }).reminderNumber, (x.payload as { overdueDays: number }).overdueDays])).toEqual([
      ['AI-1', 3, 2],
      ['AI-2', 2, 0],
    ]);
  });

  it('tells the digest channel once when a review is 7 days overdue, and the owner that it did', async () => {
    const sent = await run('review', '2026-10-28T10:00:00Z');
    const esc = sent.filter((r) => r.kind === 'review.escalation');
    expect(esc).toHaveLength(1);
    expect(esc[0]!.recipient).toEqual({ channel: 'digest' });
    expect(esc[0]!.payload).toMatchObject({ ref: 'AI-1', name: 'Chatty', overdueDays: 7, owner: { platformId: 'shell:alice', name: 'alice' } });
    const reminder = sent.find((r) => r.kind === 'review.reminder' && (r.payload as { ref: string }).ref === 'AI-1')!;
    expect(reminder.payload).toMatchObject({ escalated: true, overdueDays: 7, reminderNumber: 4 });
    expect(reviewReminderText(reminder.payload as ReviewReminderPayload, deps.policy.organization.timezone)).toContain('compliance has been told');
    const later = await run('review', '2026-10-31T10:00:00Z');
    expect(later.filter((r) => r.kind === 'review.escalation')).toEqual([]);
    expect(later.find((r) => (r.payload as { ref: string }).ref === 'AI-1')!.payload).toMatchObject({ escalated: true, reminderNumber: 5 });
  });

  it('stops the chase when the owner acts (confirm, retire)', async () => {
    clock.set('2026-11-01T10:00:00Z');
    expect((await confirmReview(await seedActor(deps, 'alice'), 'AI-1')).kind).toBe('confirmed');
    expect((await retire(await seedActor(deps, 'bob'), 'AI-2', 'replaced')).kind).toBe('retired');
    const sent = await run('review', '2026-11-05T10:00:00Z');
    expect(sent.map((r) => r.kind).filter((k) => k.startsWith('review.re'))).toEqual([]);
    const open = await deps.db.select().from(reviews).where(eq(reviews.status, 'open'));
    expect(open.map((r) => r.dueAt.toISOString())).toEqual(['2026-11-21T10:00:00.000Z']);
  });

  it('gives a quiet week a short digest that says so, still listing what waits', async () => {
    const sent = await run('digest', '2026-11-16T09:00:00Z');
    const p = sent[0]!.payload as WeeklyDigestPayload;
    expect(p.digest.quiet).toBe(true);
    expect(p.text).toContain('A quiet week');
    expect(p.digest.reviewsDueSoon.map((r) => [r.ref, r.dueInDays])).toEqual([['AI-1', 6]]);
    expect(p.digest.inventory.total).toBe(5);
  });

  it('writes one set of notifications when two runs race on separate connections', async () => {
    const other = await openDatabase({ url: tdb.url });
    try {
      const deps2 = { ...deps, db: other.db };
      const at = new Date('2026-11-10T10:00:00Z');
      const results = await Promise.all([runReviewReminders(deps, at), runReviewReminders(deps2, at), runApprovalReminders(deps, at), runApprovalReminders(deps2, at)]);
      expect(results[0].enqueued + results[1].enqueued).toBe(1);
      expect(results[2].enqueued + results[3].enqueued).toBe(3);
      const rows = await deps.db.select().from(notifications).where(eq(notifications.status, 'pending'));
      expect(rows.map((r) => r.kind).sort()).toEqual(['approval.reminder', 'approval.reminder', 'approval.reminder', 'review.reminder']);
    } finally {
      await other.close();
    }
  });

  it('honours a 429 Retry-After: the notification is sent after the wait, exactly once', async () => {
    clock.set('2026-11-10T10:00:00Z');
    rec.throttle(1, 30_000);
    const before = rec.sent.length;
    await dispatchDue(deps.db, clock, rec.deliver);
    expect(rec.sent.length - before).toBe(3);
    const [held] = await deps.db.select().from(notifications).where(eq(notifications.status, 'pending'));
    expect(held!.notBefore.toISOString()).toBe('2026-11-10T10:00:30.000Z');
    expect(held!.lastError).toContain('429');
    clock.set('2026-11-10T10:00:29Z');
    await dispatchDue(deps.db, clock, rec.deliver);
    expect(rec.sent.length - before).toBe(3);
    clock.set('2026-11-10T10:00:30Z');
    await dispatchDue(deps.db, clock, rec.deliver);
    await dispatchDue(deps.db, clock, rec.deliver);
    expect(rec.sent.length - before).toBe(4);
    const keys = rec.keys();
    expect(new Set(keys).size).toBe(keys.length);
  });
});
