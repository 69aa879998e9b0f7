/**
 * Objectives and their measurement on both databases: each metric on seeded data, the weekly
 * snapshot (one row per workspace, ISO week and metric however often it runs), the trend's order,
 * and the digest showing each objective with its target, met/missed and trend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { approvalRequests, notifications, people, reviews } from '../../db/schema';
import { discoveredTools, literacyAttestations, policyAcks } from '../../db/schema-discovery';
import { metricSnapshots, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import type { FlowContext } from '../../flows';
import { openNonconformity } from '../../flows/improvement/open-nc';
import { createTask } from '../../flows/tasks/create';
import { highAnswers, fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T10:00:00Z'); // a Monday
const policy = testPolicy({
  aiPolicy: { version: 3, url: 'https://acme.example/ai-policy', summary: 'Use AI responsibly.' },
  objectives: [
    { metric: 'reviews_on_time_pct', target: 90 },
    { metric: 'open_major_nc', target: 0, name: 'No open major NCs' },
    { metric: 'unregistered_tools', target: 5 },
  ],
});

describe.each(DB_KINDS)('objectives on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let alice: FlowContext, bob: FlowContext, carol: FlowContext, pat: FlowContext;
  let ws = 0;
  let systemId = 0;
  let baselineOverdue = 0;

  async function approveAfter(name: string, answers: typeof highAnswers, days: number): Promise<number> {
    const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    clock.advance(days * DAY);
    for (const who of [bob, carol, pat, carol]) await flows.decideForSystem(who, r.system.ref, 'approve');
    const shown = await flows.show(bob, r.system.ref);
    if (shown.kind !== 'system' || shown.system.status !== 'approved') throw new Error('not approved');
    return r.system.id;
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, clock, policy);
    [alice, bob, carol, pat] = await Promise.all([as('alice'), as('bob'), as('carol'), as('pat')]);
    ws = alice.workspace.id;
    systemId = await approveAfter('CV Screen', highAnswers, 2);
    await approveAfter('Spellcheck', minimalAnswers, 4);
    // An approval older than 90 days does not count.
    const old = await flows.register(alice, { fields: fieldsFor('Old tool', 'shell:bob'), answers: minimalAnswers });
    if (old.kind !== 'registered') throw new Error(old.kind);
    const db = database.db;
    await db.update(approvalRequests).set({ status: 'approved', createdAt: new Date('2026-01-01T00:00:00Z'), decidedAt: new Date('2026-01-30T00:00:00Z') }).where(eq(approvalRequests.systemId, old.system.id));
    // Reviews: due in the window — one on time, one late, one still open past due, one superseded (left out); one due before the window.
    await db.delete(reviews).where(eq(reviews.workspaceId, ws));
    const review = (dueAt: string, status: string, decidedAt: string | null) =>
      ({ workspaceId: ws, systemId, dueAt: new Date(dueAt), status, decidedAt: decidedAt ? new Date(decidedAt) : null, createdAt: new Date('2026-01-01T00:00:00Z') });
    await db.insert(reviews).values([
      review('2026-10-01T00:00:00Z', 'confirmed', '2026-09-28T00:00:00Z'),
      review('2026-10-15T00:00:00Z', 'confirmed', '2026-10-20T00:00:00Z'),
      review('2026-11-20T00:00:00Z', 'open', null),
      review('2026-11-01T00:00:00Z', 'superseded', '2026-10-01T00:00:00Z'),
      review('2026-07-01T00:00:00Z', 'confirmed', '2026-08-01T00:00:00Z'),
    ]);
    await db.transaction(async (tx) => {
      const nc = (severity: 'major' | 'minor', key: string) =>
        openNonconformity(tx, { workspaceId: ws, source: 'other', severity, description: key, dedupeKey: key, actor: 'system', at: clock.now() });
      await nc('major', 'a');
      await nc('minor', 'b');
      const { nc: closed } = await nc('major', 'c');
      await tx.update(nonconformities).set({ status: 'closed' }).where(eq(nonconformities.id, closed.id));
    });
    baselineOverdue = (await flows.computeMetrics(db, ws, NOW, policy)).overdue_tasks ?? 0;
    await db.transaction(async (tx) => {
      const task = (dueDate: string, key: string) =>
        createTask(tx, { workspaceId: ws, kind: 'review_action', subjectType: 'review', subjectId: 1, dedupeKey: key, title: key, assigneeId: bob.actor.id, dueDate, actor: 'system', at: clock.now() });
      await task('2026-11-29', 'late-1');
      await task('2026-11-01', 'late-2');
      await task('2026-11-30', 'due-today');
    });
    const [dave] = await db.insert(people).values({ workspaceId: ws, platformId: 'shell:dave', createdAt: clock.now() }).returning();
    await db.insert(policyAcks).values([
      { workspaceId: ws, personId: bob.actor.id, version: 3, acknowledgedAt: clock.now() },
      { workspaceId: ws, personId: carol.actor.id, version: 3, acknowledgedAt: clock.now() },
      { workspaceId: ws, personId: dave!.id, version: 2, acknowledgedAt: clock.now() },
    ]);
    await db.insert(literacyAttestations).values([
      { workspaceId: ws, personId: bob.actor.id, evidence: 'course', attestedAt: clock.now() },
      { workspaceId: ws, personId: bob.actor.id, evidence: 'again', attestedAt: clock.now() },
    ]);
    const tool = (key: string, registered: number | null) => ({ workspaceId: ws, toolKey: key, name: key, firstSource: 'survey', firstSeenAt: clock.now(), lastSeenAt: clock.now(), registeredSystemId: registered });
    await db.insert(discoveredTools).values([tool('chatgpt', null), tool('claude', null), tool('copilot', systemId)]);
  });
  afterAll(async () => database?.destroy());

  it('computes each metric on the seeded data', async () => {
    const known = (await database.db.select().from(people).where(eq(people.workspaceId, ws))).length;
    const m = await flows.computeMetrics(database.db, ws, NOW, policy);
    expect(m.reviews_on_time_pct).toBe(33.3);
    expect(m.approval_lead_time_days_p50).toBe(3);
    expect(m.open_major_nc).toBe(1);
    expect(m.overdue_tasks).toBe(baselineOverdue + 2);
    expect(m.policy_ack_pct).toBe(Math.round((2 / known) * 1000) / 10);
    expect(m.literacy_pct).toBe(Math.round((1 / known) * 1000) / 10);
    expect(m.unregistered_tools).toBe(2);
    expect(Object.keys(m).sort()).toEqual([...flows.METRIC_IDS].sort());
  });

  it('has no value where there is nothing to measure', async () => {
    const m = await flows.computeMetrics(database.db, ws, new Date('2025-01-01T00:00:00Z'), testPolicy());
    expect(m.reviews_on_time_pct).toBeNull();
    expect(m.approval_lead_time_days_p50).toBeNull();
    expect(m.policy_ack_pct).toBeNull();
  });

  it('snapshots once per ISO week (Monday), overwriting within the week', async () => {
    const first = await flows.snapshotMetrics(database.db, ws, NOW, policy);
    expect(first.week).toBe('2026-11-30');
    await database.db.delete(discoveredTools).where(and(eq(discoveredTools.workspaceId, ws), eq(discoveredTools.toolKey, 'claude')));
    const again = await flows.snapshotMetrics(database.db, ws, new Date('2026-12-04T18:00:00Z'), policy);
    expect(again.week).toBe('2026-11-30');
    const rows = await database.db.select().from(metricSnapshots).where(eq(metricSnapshots.workspaceId, ws));
    expect(rows).toHaveLength(flows.METRIC_IDS.length);
    expect(rows.find((r) => r.metric === 'unregistered_tools')?.value).toBe(1);
  });

  it('gives the trend oldest first, at most the weeks asked', async () => {
    const value = (week: string, v: number) => ({ workspaceId: ws, week, metric: 'reviews_on_time_pct', value: v, measuredAt: new Date(`${week}T09:00:00Z`) });
    await database.db.insert(metricSnapshots).values([value('2026-11-23', 91), value('2026-11-09', 82), value('2026-11-16', 88), value('2026-11-02', 70)]);
    const trend = await flows.metricTrend(database.db, ws, 'reviews_on_time_pct', 4);
    expect(trend.map((p) => p.week)).toEqual(['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(trend.map((p) => p.value)).toEqual([82, 88, 91, 33.3]);
    expect((await flows.metricTrend(database.db, ws, 'reviews_on_time_pct')).length).toBe(5);
  });

  it('the weekly digest snapshots this week and shows each objective with target, met/missed and trend', async () => {
    clock.set(NOW);
    const report = await flows.runWeeklyDigest({ db: database.db, policy, clock }, new Date('2026-12-07T09:00:00Z'));
    expect(report.enqueued).toBeGreaterThan(0);
    const snaps = await database.db.select().from(metricSnapshots).where(and(eq(metricSnapshots.workspaceId, ws), eq(metricSnapshots.week, '2026-12-07')));
    expect(snaps).toHaveLength(flows.METRIC_IDS.length);
    const [row] = await database.db.select().from(notifications).where(and(eq(notifications.workspaceId, ws), eq(notifications.kind, 'digest.weekly')));
    const payload = row!.payload as flows.WeeklyDigestPayload;
    const objectives = payload.digest.objectives!.objectives;
    expect(objectives.map((o) => o.metric)).toEqual(['reviews_on_time_pct', 'open_major_nc', 'unregistered_tools']);
    expect(objectives[0]).toMatchObject({ target: 90, direction: 'at_least', met: false });
    expect(objectives[0]!.trend.slice(0, 5)).toEqual([70, 82, 88, 91, 33.3]);
    expect(objectives[1]).toMatchObject({ name: 'No open major NCs', value: 1, met: false });
    expect(objectives[2]).toMatchObject({ value: 1, met: true });
    expect(payload.text).toContain('Objectives (1 of 3 met):');
    expect(payload.text).toMatch(/Reviews done on time: [\d.]+% \(target ≥ 90%\) — missed · last 6 weeks: 70 → 82 → 88 → 91 → 33\.3 → /);
    // A metric without an objective is not shown as one (the survey section's coverage line is another thing).
    expect(payload.text).not.toMatch(/AI literacy attested: [\d.]+% \(target/);
    // Running it again in the same week adds no snapshot rows.
    await flows.runWeeklyDigest({ db: database.db, policy, clock }, new Date('2026-12-07T10:00:00Z'));
    const all = await database.db.select().from(metricSnapshots).where(eq(metricSnapshots.workspaceId, ws));
    expect(all.filter((r) => r.week === '2026-12-07')).toHaveLength(flows.METRIC_IDS.length);
  });
});
