/**
 * `inventory [filter]` and the compliance dashboard: compliance only, filters by class, status,
 * owner, department and overdue, paging, bad filters refused; counts by class and status,
 * untreated high risks at or above the threshold, overdue tasks and reviews — on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import { risks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('inventory and dashboard on %s', (kind) => {
  let tdb: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let as: ReturnType<typeof actors>['as'];
  let ws: number;
  let highId: number;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    ({ as } = actors(tdb.db, clock));
    const alice = await as('alice');
    ws = alice.workspace.id;
    // 23 minimal tools owned by bob (one in HR), then one high-risk tool owned by erin.
    for (let i = 1; i <= 23; i++) {
      const r = await flows.register(alice, { fields: { ...fieldsFor(`Tool ${i}`, 'shell:bob'), department: i === 5 ? 'Human Resources' : 'Operations' }, answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      if (i <= 3) await flows.decideForSystem(await as('bob'), r.system.ref, 'approve');
    }
    const h = await flows.register(alice, { fields: fieldsFor('Screener', 'shell:erin'), answers: highAnswers });
    if (h.kind !== 'registered') throw new Error(h.kind);
    highId = h.system.id;
  });
  afterAll(async () => tdb?.destroy());

  const page = async (text: string, who = 'carol') => flows.inventoryPage(await as(who), text);

  it('is for compliance only', async () => {
    expect(await page('', 'bob')).toMatchObject({ kind: 'refused', code: 'not_authorised' });
  });

  it('pages the whole inventory with a next-page command that keeps the filter', async () => {
    const first = await page('');
    if (first.kind !== 'inventory') throw new Error(first.message);
    expect([first.total, first.pages, first.systems.length, first.next]).toEqual([24, 2, 20, 'page=2']);
    const second = await page(first.next!);
    if (second.kind !== 'inventory') throw new Error(second.message);
    expect(second.systems.map((s) => s.ref)).toEqual(['AI-21', 'AI-22', 'AI-23', 'AI-24']);
    expect(second.next).toBeNull();
    expect(await page('page 3')).toMatchObject({ kind: 'refused', message: 'There are 2 pages of 24 tools; page 3 does not exist.' });
  });

  it('filters by class, status, owner, department, and refuses what it does not understand', async () => {
    const ids = async (text: string) => {
      const r = await page(text);
      if (r.kind !== 'inventory') throw new Error(r.message);
      return r.systems.map((s) => s.ref);
    };
    expect(await ids('class=high')).toEqual(['AI-24']);
    expect(await ids('high')).toEqual(['AI-24']);
    expect(await ids('status=approved')).toEqual(['AI-1', 'AI-2', 'AI-3']);
    expect(await ids('approved minimal')).toEqual(['AI-1', 'AI-2', 'AI-3']);
    expect(await ids('owner=erin')).toEqual(['AI-24']);
    expect(await ids('owner=@ERIN')).toEqual(['AI-24']);
    expect(await ids('department="human resources"')).toEqual(['AI-5']);
    expect(await ids('class=high,limited status=pending')).toEqual(['AI-24']);
    const bad = await page('class=huge');
    expect(bad).toMatchObject({ kind: 'refused', code: 'invalid' });
    expect((bad as flows.Refusal).message).toMatch(/^"huge" is not a class\. Use filters: /);
    expect((await page('sparkly')) as flows.Refusal).toMatchObject({ message: expect.stringMatching(/^"sparkly" is not an inventory filter/) });
    expect(await page('unregistered')).toMatchObject({ kind: 'inventory', total: 0, note: expect.stringContaining('No unregistered tools recorded') });
  });

  it('finds overdue reviews and overdue open tasks; the dashboard counts them with untreated high risks', async () => {
    const over = await page('overdue');
    expect(over).toMatchObject({ kind: 'inventory', total: 0 });
    // A task of AI-4 past its due date, and AI-1's review date in the past.
    await tdb.db.transaction((tx) =>
      flows.createTask(tx, { workspaceId: ws, kind: 'obligation', subjectType: 'system', subjectId: 4, systemId: 4, title: 'Keep logs', assigneeGroup: 'compliance', dueDate: '2026-11-01', actor: 'system', at: clock.now() }),
    );
    await tdb.db.transaction((tx) =>
      flows.createTask(tx, { workspaceId: ws, kind: 'obligation', subjectType: 'system', subjectId: 5, systemId: 5, title: 'Later', assigneeGroup: 'compliance', dueDate: '2026-11-02', actor: 'system', at: clock.now() }),
    );
    await tdb.db.update(aiSystems).set({ nextReviewAt: new Date('2026-11-01T00:00:00Z') }).where(eq(aiSystems.refNumber, 1));
    const after = await page('overdue');
    if (after.kind !== 'inventory') throw new Error(after.message);
    expect(after.systems.map((s) => s.ref)).toEqual(['AI-1', 'AI-4']);

    // Risks of the high-risk tool: inherent 12 open (counts), residual 2×2 (below 8: not), 20 accepted (not).
    const now = clock.now();
    const risk = (number: number, l: number, i: number, extra: Partial<typeof risks.$inferInsert> = {}) => ({
      workspaceId: ws, systemId: highId, number, source: 'bias_discrimination', description: `Risk ${number}`, likelihood: l, impact: i, score: l * i, treatment: 'mitigate', createdAt: now, updatedAt: now, ...extra,
    });
    await tdb.db.update(aiSystems).set({ status: 'approved' }).where(eq(aiSystems.id, highId));
    await tdb.db.insert(risks).values([risk(1, 3, 4), risk(2, 4, 4, { residualLikelihood: 2, residualImpact: 2 }), risk(3, 5, 4, { status: 'accepted' }), risk(4, 2, 4, { status: 'treating' })]);
    expect(await flows.complianceDashboard(await as('bob'))).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    const d = await flows.complianceDashboard(await as('carol'));
    if ('kind' in d) throw new Error(d.message);
    expect(d.total).toBe(24);
    expect(d.byClass).toEqual([{ key: 'high', count: 1 }, { key: 'minimal', count: 23 }]);
    expect(d.byStatus).toEqual([{ key: 'approved', count: 4 }, { key: 'pending_approval', count: 20 }]);
    expect(d.untreatedHighRisks.items.map((r) => [r.ref, r.score])).toEqual([['AI-24/R-1', 12], ['AI-24/R-4', 8]]);
    expect(d.overdueTasks).toMatchObject({ count: 1, items: [{ ref: expect.stringMatching(/^T-\d+$/), title: 'Keep logs', systemRef: 'AI-4', dueDate: '2026-11-01', assignee: 'compliance' }] });
    expect(d.overdueReviews).toMatchObject({ count: 1, items: [{ ref: 'AI-1', owner: 'bob' }] });
  });
});
