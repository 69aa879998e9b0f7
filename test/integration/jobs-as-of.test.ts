/**
 * Jobs run "as of" a simulated time: the audit events they write carry the wall clock and the
 * simulated time as `asOf`, and a dry run reports what a real run would send while writing
 * nothing at all. On both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { approvalSteps, auditEvents, notifications, reviews, workspaces } from '../../db/schema';
import type { Db } from '../../db/client';
import type { FlowDeps } from '../../flows';
import { dispatchDue, dryRunJob, runApprovalReminders, runReviewReminders, runWeeklyDigest, verifyAudit } from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { SEED_AT, seedDataset, seedPolicy } from '../helpers/jobs-seed';

/** Everything a job could change, row by row. */
async function snapshot(db: Db): Promise<string> {
  return JSON.stringify({
    notifications: await db.select().from(notifications).orderBy(asc(notifications.id)),
    audit: await db.select().from(auditEvents).orderBy(asc(auditEvents.id)),
    reviews: await db.select().from(reviews).orderBy(asc(reviews.id)),
    steps: await db.select().from(approvalSteps).orderBy(asc(approvalSteps.id)),
    workspaces: await db.select().from(workspaces).orderBy(asc(workspaces.id)),
  });
}

describe.each(DB_KINDS)('jobs as of a simulated time on %s', (kind) => {
  let tdb: TestDatabase;
  let deps: FlowDeps;
  // The wall clock: the day after the seed. The jobs run as of weeks later.
  const wall = testClock(SEED_AT);

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    deps = { db: tdb.db, policy: seedPolicy(), clock: wall };
    await seedDataset(deps);
    await dispatchDue(deps.db, wall, async () => ({ ok: true }));
    wall.set('2026-10-02T12:00:00Z');
  });
  afterAll(async () => tdb?.destroy());

  it('a dry run lists what would be sent and leaves every table as it was', async () => {
    const before = await snapshot(tdb.db);
    const reviewPlan = await dryRunJob(deps, runReviewReminders, new Date('2026-10-29T10:00:00Z'));
    expect(reviewPlan.planned.map((p) => [p.kind, p.recipient, p.subject])).toEqual([
      ['review.reminder', 'alice (shell:alice)', 'AI-1 "Chatty"'],
      ['review.escalation', '#digest', 'AI-1 "Chatty"'],
      ['review.reminder', 'bob (shell:bob)', 'AI-2 "Screener"'],
    ]);
    const approvalPlan = await dryRunJob(deps, runApprovalReminders, new Date('2026-10-03T11:00:00Z'));
    expect(approvalPlan.planned.map((p) => `${p.kind} ${p.recipient}`).sort()).toEqual([
      'approval.reminder #approvals',
      'approval.reminder carol (shell:carol)',
      'approval.reminder compliance (shell:compliance)',
      'approval.reminder dpo (shell:dpo)',
    ]);
    const digestPlan = await dryRunJob(deps, runWeeklyDigest, new Date('2026-10-05T07:00:00Z'));
    expect(digestPlan.planned.map((p) => [p.kind, p.recipient, p.subject])).toEqual([['digest.weekly', '#digest', 'weekly digest 2026-09-28 – 2026-10-05']]);
    expect(await snapshot(tdb.db)).toBe(before);

    // The real run writes exactly what the dry run planned.
    const real = await runReviewReminders(deps, new Date('2026-10-29T10:00:00Z'));
    expect(real.enqueued).toBe(3);
    const written = await tdb.db.select().from(notifications).orderBy(asc(notifications.id));
    expect(written.slice(-3).map((n) => n.dedupeKey)).toEqual(reviewPlan.planned.map((p) => p.dedupeKey));
  });

  it('audit events of a run as of a later time carry the wall clock and record the simulated time', async () => {
    // The review escalation was written by the real run above, as of 2026-10-29.
    await runApprovalReminders(deps, new Date('2026-10-03T11:00:00Z'));
    await runApprovalReminders(deps, new Date('2026-10-05T11:00:00Z'));
    const escalations = await tdb.db.select().from(auditEvents).where(eq(auditEvents.actor, 'system')).orderBy(asc(auditEvents.seq));
    expect(escalations.map((e) => e.action).sort()).toEqual(['approval.escalated', 'approval.escalated', 'approval.escalated', 'review.escalated']);
    for (const e of escalations) expect(e.occurredAt.toISOString()).toBe('2026-10-02T12:00:00.000Z');
    expect(escalations.find((e) => e.action === 'review.escalated')!.data).toMatchObject({ asOf: '2026-10-29T10:00:00.000Z' });
    expect(escalations.filter((e) => e.action === 'approval.escalated').map((e) => (e.data as { asOf: string }).asOf)).toEqual(
      Array(3).fill('2026-10-05T11:00:00.000Z'),
    );
    // No event in the trail is dated after the wall clock.
    const all = await tdb.db.select().from(auditEvents);
    expect(all.filter((e) => e.occurredAt.getTime() > wall.now().getTime())).toEqual([]);
    expect(await verifyAudit(tdb.db)).toMatchObject({ ok: true });
  });
});
