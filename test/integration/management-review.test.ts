/**
 * The management review pack on seeded data: every 9.3.2 section with its numbers, the charts as
 * real PNGs, the PDF, the quarterly job (once per quarter and workspace, however often it runs),
 * on-demand reviews (`-2`), decisions as tasks, holding, refusals, workspace scoping, audit events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Resvg } from '@resvg/resvg-js';
import { auditEvents, notifications } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, incidents, internalAudits, managementReviews, metricSnapshots, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import type { FlowContext, ReviewPack } from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';
import { HOSTILE } from '../helpers/hostile-text';

const policy = testPolicy({
  objectives: [
    { metric: 'reviews_on_time_pct', target: 90, name: 'Reviews on time' },
    { metric: 'open_major_nc', target: 0 },
  ],
  legalDates: { fria: '2027-03-01' },
});

describe('management review', () => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let alice: FlowContext, carol: FlowContext, mallory: FlowContext, other: FlowContext;
  let ws = 0;
  let highId = 0;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const { as } = actors(database.db, clock, policy);
    [alice, carol, mallory] = await Promise.all([as('alice'), as('carol'), as('mallory')]);
    other = await actors(database.db, clock, policy, 'shell', 'elsewhere').as('carol');
    ws = carol.workspace.id;
    const high = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:alice'), answers: highAnswers });
    const low = await flows.register(alice, { fields: fieldsFor("Notes Helper", 'shell:alice'), answers: minimalAnswers });
    if (high.kind !== 'registered' || low.kind !== 'registered') throw new Error('not registered');
    highId = high.system.id;
    const db = database.db;
    const at = (iso: string) => new Date(iso);
    // A previous review with one open overdue action and one done.
    const [prev] = await db
      .insert(managementReviews)
      .values({ workspaceId: ws, ref: 'MR-2026-Q3', periodStart: '2026-06-01', periodEnd: '2026-09-01', pack: {}, createdAt: at('2026-09-01T08:00:00Z') })
      .returning();
    await db.transaction(async (tx) => {
      const base = { workspaceId: ws, kind: 'review_action' as const, subjectType: 'review' as const, subjectId: prev!.id, assigneeGroup: 'compliance', actor: 'shell:carol', at: at('2026-09-01T08:00:00Z') };
      await flows.createTask(tx, { ...base, title: 'Train the owners', dueDate: '2026-10-15' });
      const done = await flows.createTask(tx, { ...base, title: 'Publish the AI policy', dueDate: '2026-10-01' });
      await tx.update(tasks).set({ status: 'done', evidence: 'https://wiki.example/p' }).where(eq(tasks.id, done.task.id));
    });
    // Nonconformities: a major one 122 days old, a minor one 11 days old, a closed one.
    const nc = (number: number, severity: string, status: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
      workspaceId: ws, number, source: 'audit', severity, status, description: `NC ${number} ${HOSTILE}`, createdAt: at(createdAt), updatedAt: at(createdAt), ...extra,
    });
    const [major] = await db.insert(nonconformities).values(nc(1, 'major', 'action_planned', '2026-08-01T10:00:00Z')).returning();
    await db.insert(nonconformities).values([nc(2, 'minor', 'open', '2026-11-20T10:00:00Z'), nc(3, 'minor', 'closed', '2026-09-10T10:00:00Z', { closedAt: at('2026-11-01T10:00:00Z') })]);
    await db.transaction(async (tx) => {
      const base = { workspaceId: ws, kind: 'corrective_action' as const, subjectType: 'nc' as const, subjectId: major!.id, assigneeGroup: 'compliance', actor: 'shell:carol', at: at('2026-08-02T08:00:00Z') };
      await flows.createTask(tx, { ...base, title: 'Retrain the screening model', dueDate: '2026-11-01' });
      await flows.createTask(tx, { ...base, title: 'Add a bias test', dueDate: '2027-01-10' });
    });
    // An internal audit with a minor NC and an opportunity for improvement.
    const [audit] = await db
      .insert(internalAudits)
      .values({ workspaceId: ws, year: 2026, number: 1, title: 'Q4 audit', scope: { clauses: ['9.2'], controls: [], systems: [] }, auditorIds: [], plannedFor: '2026-11-15', sampleSizes: { high: 1, limited: 0, minimal: 1 }, sampleSeed: 'seed', sample: [highId], status: 'reported', createdAt: at('2026-11-01T08:00:00Z'), updatedAt: at('2026-11-16T08:00:00Z') })
      .returning();
    await db.insert(auditFindings).values([
      { workspaceId: ws, auditId: audit!.id, number: 1, subjectType: 'clause', subject: '9.2', kind: 'minor_nc', text: 'Programme not approved', createdAt: at('2026-11-15T10:00:00Z') },
      { workspaceId: ws, auditId: audit!.id, number: 2, subjectType: 'clause', subject: '7.5', kind: 'ofi', text: `Use one evidence folder ${HOSTILE}`, createdAt: at('2026-11-15T11:00:00Z') },
    ]);
    await db.insert(incidents).values({
      workspaceId: ws, number: 1, systemId: highId, occurredAt: at('2026-11-10T10:00:00Z'), description: 'Wrong rejection', harm: 'to_rights', serious: true, riskClass: 'high',
      authorityReportDueAt: at('2026-11-25T10:00:00Z'), reportCase: 'general', createdAt: at('2026-11-10T11:00:00Z'), updatedAt: at('2026-11-10T11:00:00Z'),
    });
    const weeks = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'];
    await db.insert(metricSnapshots).values(weeks.map((week, i) => ({ workspaceId: ws, week, metric: 'reviews_on_time_pct', value: 80 + i, measuredAt: at(`${week}T06:00:00Z`) })));
    clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => database?.destroy());

  let pack: ReviewPack;

  it('compliance generates MR-2026-Q4 with every 9.3.2 input and the right numbers', async () => {
    const r = await flows.managementReviewCommand(carol, '');
    expect(r).toMatchObject({ ok: true });
    expect(r.text).toContain('MR-2026-Q4 generated');
    const row = await flows.findManagementReview(database.db, ws, 'mr-2026-q4');
    expect(row).not.toBeNull();
    pack = row!.pack as unknown as ReviewPack;
    expect(pack).toMatchObject({ ref: 'MR-2026-Q4', periodStart: '2026-09-01', periodEnd: '2026-12-01' });
    expect(pack.previousActions).toMatchObject({ total: 2, open: 1, done: 1, overdue: 1 });
    expect(pack.previousActions.openItems).toEqual([expect.objectContaining({ title: 'Train the owners', review: 'MR-2026-Q3', overdue: true, assignee: 'group compliance' })]);
    expect(pack.issues.horizon).toBe('2027-06-01');
    expect(pack.issues.upcomingObligations.map((o) => [o.id, o.applicableFrom])).toEqual([
      ['stop_use.ncii_only', '2026-12-02'],
      ['fria', '2027-03-01'],
    ]);
    expect(pack.issues.inventory).toMatchObject({ total: 2, added: 2, retired: 0 });
    expect(pack.issues.inventory.byClass).toEqual([
      { key: 'high', count: 1 },
      { key: 'minimal', count: 1 },
    ]);
    expect(pack.objectives).toEqual([
      expect.objectContaining({ metric: 'reviews_on_time_pct', name: 'Reviews on time', target: 90, direction: 'at_least', latest: 88, week: '2026-11-30', met: false }),
      expect.objectContaining({ metric: 'open_major_nc', latest: null, met: null, direction: 'at_most' }),
    ]);
    expect(pack.objectives[0]!.trend).toHaveLength(8);
    expect(pack.nonconformities).toMatchObject({ open: 2, openMajor: 1, openMinor: 1, openedInPeriod: 2, closedInPeriod: 1, correctiveActions: { open: 2, done: 0, overdue: 1 } });
    expect(pack.nonconformities.openItems.map((n) => [n.ref, n.ageDays, n.actionsOpen])).toEqual([
      ['NC-1', 121, 2],
      ['NC-2', 10, 0],
    ]);
    expect(pack.audits).toEqual([expect.objectContaining({ ref: 'IA-2026-1', status: 'reported', findings: { conformity: 0, observation: 0, ofi: 1, minor_nc: 1, major_nc: 0 } })]);
    expect(pack.incidents).toMatchObject({ total: 1, serious: 1 });
    expect(pack.incidents.items[0]).toMatchObject({ ref: 'INC-1', serious: true, harm: 'to_rights', authorityReportDueAt: '2026-11-25T10:00:00.000Z' });
    expect(pack.improvements).toEqual([expect.objectContaining({ ref: 'IA-2026-1/F-2', subject: '7.5' })]);
    expect(pack.charts.ncAgeing).toContainEqual({ bucket: 'over 90 days', severity: 'major', count: 1 });
    expect(pack.charts.ncAgeing).toContainEqual({ bucket: '0–30 days', severity: 'minor', count: 1 });
    expect(pack.charts.inventoryByClass.filter((c) => c.period === '2026-12')).toEqual([
      { period: '2026-12', riskClass: 'high', count: 1 },
      { period: '2026-12', riskClass: 'minimal', count: 1 },
    ]);
    expect(pack.charts.inventoryByClass.filter((c) => c.period === '2026-10')).toEqual([]);
    expect(pack.charts.reviewTimeliness).toHaveLength(6);
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'management_review.generated'), eq(auditEvents.subjectId, 'MR-2026-Q4')));
    expect(event).toMatchObject({ actor: 'shell:carol', workspaceId: ws });
    const queued = await database.db.select().from(notifications).where(eq(notifications.kind, 'management_review.pack'));
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ recipient: { channel: 'digest' }, dedupeKey: `management_review.pack:${ws}:MR-2026-Q4` });
  });

  it('renders the Markdown with every section and inert user text, the charts as real PNGs, and a PDF', async () => {
    const row = (await flows.findManagementReview(database.db, ws, 'MR-2026-Q4'))!;
    const files = await flows.managementReviewFiles(database.db, row);
    for (const heading of ['## 1. Status of actions', '## 2. Changes in external and internal issues', '## 3. Objectives', '## 4. Nonconformities', '## 5. Audit results', '## 6. Incidents', '## 7. Opportunities for improvement', '## Decisions']) {
      expect(files.markdown).toContain(heading);
    }
    expect(files.markdown).toContain('| Reviews on time | reviews\\_on\\_time\\_pct | ≥ 90 | 88 (week of 2026-11-30) | no |');
    expect(files.markdown).not.toContain('<!channel>');
    expect(files.markdown).not.toContain('\u202E');
    expect(files.markdown).toContain('![AI systems in the inventory by risk class](mr-2026-q4-inventory-by-class.png)');
    expect(files.charts.map((c) => c.fileName)).toEqual(['mr-2026-q4-inventory-by-class.png', 'mr-2026-q4-review-timeliness.png', 'mr-2026-q4-nc-ageing.png']);
    for (const c of files.charts) {
      expect(flows.pngSize(c.png)).toEqual({ width: c.width, height: c.height });
      expect(c.width).toBeGreaterThan(400);
      // Decoding it again proves the bytes are a whole, valid image.
      const again = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="data:image/png;base64,${c.png.toString('base64')}"/></svg>`).render();
      expect(again.width).toBe(10);
    }
    // The chart text is drawn: the SVG has text elements and the PNG is not blank (many colours).
    const svg = await flows.chartSvg(flows.packCharts(pack)[2]!.spec);
    expect(svg).toContain('Open nonconformities by age');
    expect(files.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(files.pdf.subarray(-8).toString()).toContain('%%EOF');
    expect((files.pdf.toString('latin1').match(/\/Subtype \/Image/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('the job writes nothing for a quarter that has a review, and one review for a workspace without; twice is once', async () => {
    // The other workspace exists (its actor was made), and has no review yet.
    const first = await flows.runManagementReview({ db: database.db, policy, clock }, clock.now());
    expect(first).toMatchObject({ enqueued: 1 });
    const second = await flows.runManagementReview({ db: database.db, policy, clock }, clock.now());
    expect(second).toMatchObject({ enqueued: 0 });
    const theirs = await database.db.select().from(managementReviews).where(eq(managementReviews.workspaceId, other.workspace.id));
    expect(theirs.map((r) => r.ref)).toEqual(['MR-2026-Q4']);
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'management_review.generated'), eq(auditEvents.workspaceId, other.workspace.id)));
    expect(event).toMatchObject({ actor: 'system' });
    expect((event!.data as { trigger: string }).trigger).toBe('schedule');
  });

  it('a second on-demand review in the quarter is MR-2026-Q4-2; others are refused politely', async () => {
    expect((await flows.managementReviewCommand(carol, '')).text).toContain('MR-2026-Q4-2 generated');
    const refused = await flows.managementReviewCommand(mallory, '');
    expect(refused).toMatchObject({ ok: false });
    expect(refused.text).toContain('Only the compliance group');
    expect((await flows.managementReviewCommand(carol, 'frobnicate')).text).toContain('Usage: management-review');
  });

  it('decisions become review_action tasks for compliance; bad input changes nothing; other workspaces do not see the ref', async () => {
    const r = await flows.managementReviewCommand(carol, 'decide MR-2026-Q4 Run a bias audit of CV Screen by 2027-02-15');
    expect(r).toMatchObject({ ok: true });
    const review = (await flows.findManagementReview(database.db, ws, 'MR-2026-Q4'))!;
    const made = await database.db.select().from(tasks).where(and(eq(tasks.kind, 'review_action'), eq(tasks.subjectId, review.id)));
    expect(made).toEqual([expect.objectContaining({ title: 'Run a bias audit of CV Screen', dueDate: '2027-02-15', assigneeGroup: 'compliance', subjectType: 'review' })]);
    expect(r.text).toContain(`T-${made[0]!.number}`);
    const before = (await database.db.select().from(tasks)).length;
    expect((await flows.managementReviewCommand(carol, 'decide MR-2026-Q4 Something by 2026-02-30')).text).toContain('is not a date');
    expect((await flows.managementReviewCommand(carol, 'decide MR-2026-Q4')).text).toContain('Say what was decided');
    expect((await flows.managementReviewCommand(carol, 'decide MR-2031-Q1 Something')).text).toContain('No management review MR-2031-Q1');
    expect((await flows.managementReviewCommand(mallory, 'decide MR-2026-Q4 Something')).text).toContain('Only the compliance group');
    expect((await flows.managementReviewCommand(other, 'decide MR-2026-Q4-2 Something')).text).toContain('No management review');
    expect((await database.db.select().from(tasks)).length).toBe(before);
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'management_review.decided'));
    expect(event).toMatchObject({ subjectId: 'MR-2026-Q4', actor: 'shell:carol' });
  });

  it('held records the attendees once; a second time says so; a bad attendee changes nothing', async () => {
    expect((await flows.managementReviewCommand(carol, 'held MR-2026-Q4 =cmd')).text).toContain('is not a person');
    const r = await flows.managementReviewCommand(carol, 'held MR-2026-Q4 shell:alice shell:bob');
    expect(r.text).toBe('MR-2026-Q4 marked held with 3 attendee(s).');
    expect((await flows.managementReviewCommand(carol, 'held MR-2026-Q4 shell:alice')).text).toContain('already marked held');
    const row = (await flows.findManagementReview(database.db, ws, 'MR-2026-Q4'))!;
    expect(row).toMatchObject({ status: 'held', heldAt: clock.now() });
    expect(row.attendeeIds).toHaveLength(3);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'management_review.held'))).toHaveLength(1);
    const files = await flows.managementReviewFiles(database.db, row);
    expect(files.markdown).toContain('Held on 2026-12-01; attendees: carol, alice, shell\\:bob.');
    expect(files.markdown).toContain('Run a bias audit of CV Screen — group compliance, due 2027-02-15 (open)');
  });

  it('a dry run of the job says what it would send and writes nothing', async () => {
    const third = await actors(database.db, clock, policy, 'shell', 'third').as('carol');
    const { planned, report } = await flows.dryRunJob({ db: database.db, policy, clock }, flows.runManagementReview, clock.now());
    expect(report.enqueued).toBe(1);
    expect(planned).toEqual([expect.objectContaining({ kind: 'management_review.pack', subject: expect.stringContaining('MR-2026-Q4') })]);
    expect(await database.db.select().from(managementReviews).where(eq(managementReviews.workspaceId, third.workspace.id))).toHaveLength(0);
  });
});
