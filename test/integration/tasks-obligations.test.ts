/**
 * Obligations become tasks on both databases: created on approval with the right assignee and
 * due date, once per workspace for AI literacy, once again on a replayed approval; closed with
 * evidence or a reason by the right people only, once under concurrent clicks; re-triage and
 * retirement close what no longer applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { afterApproved } from '../../flows/lifecycle';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { HOSTILE } from '../helpers/hostile-text';

describe.each(DB_KINDS)('obligation tasks on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let as: ReturnType<typeof actors>['as'];
  let deps: ReturnType<typeof actors>['deps'];
  let cvRef = '';
  let cvId = 0;

  /** Registers a tool owned by bob and approves every step. */
  async function approved(name: string, answers = highAnswers) {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const deciders: Record<string, string> = { owner: 'bob', compliance: 'carol', privacy: 'pat' };
    for (const s of r.request.steps) {
      const d = await flows.decideStep(await as(deciders[s.role]!), { stepId: s.id, decision: 'approve' });
      if (d.kind !== 'recorded') throw new Error(JSON.stringify(d));
    }
    return r.system;
  }
  const taskRows = () => database.db.select().from(tasks).orderBy(tasks.number);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as, deps } = actors(database.db, clock, testPolicy({ legalDates: { explanation_on_request: '2027-06-01' } })));
    const s = await approved('CV Screen');
    cvRef = s.ref;
    cvId = s.id;
  });
  afterAll(async () => database?.destroy());

  it('turns each obligation of an approved high-risk system into a task for the right assignee and date', async () => {
    const rows = await taskRows();
    const bob = await as('bob');
    const byKey = new Map(rows.map((r) => [r.dedupeKey, r]));
    expect([...byKey.keys()].sort()).toEqual(
      [`obligation:${cvId}:deployer_high_risk`, `obligation:${cvId}:dpia`, `obligation:${cvId}:explanation_on_request`, `obligation:${cvId}:inform_affected_persons`, 'obligation:workspace:ai_literacy'].sort(),
    );
    // Deployer duties: the owner, due on the date they apply (the policy's override included).
    expect(byKey.get(`obligation:${cvId}:deployer_high_risk`)).toMatchObject({ assigneeId: bob.actor.id, assigneeGroup: null, dueDate: '2027-12-02', title: 'High-risk deployer duties', kind: 'obligation', systemId: cvId });
    expect(byKey.get(`obligation:${cvId}:explanation_on_request`)).toMatchObject({ dueDate: '2027-06-01' });
    // Organisation duties that already apply: compliance, within tasks.defaultDays (30).
    expect(byKey.get(`obligation:${cvId}:dpia`)).toMatchObject({ assigneeId: null, assigneeGroup: 'compliance', dueDate: '2026-12-02' });
    // AI literacy: once for the workspace, tied to no system.
    expect(byKey.get('obligation:workspace:ai_literacy')).toMatchObject({ assigneeGroup: 'compliance', systemId: null });
    const created = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'task.created'));
    expect(created).toHaveLength(5);
  });

  it('creates AI literacy once per workspace and nothing twice on a replayed approval', async () => {
    await approved('Writer', minimalAnswers);
    const before = await taskRows();
    expect(before.filter((t) => t.dedupeKey === 'obligation:workspace:ai_literacy')).toHaveLength(1);
    const carol = await as('carol');
    await database.db.transaction((tx) => afterApproved({ tx, ctx: carol, systemId: cvId, now: clock.now() }));
    expect(await taskRows()).toHaveLength(before.length);
  });

  it('lists my tasks and my groups tasks, soonest first; all and overdue only for compliance', async () => {
    const bob = await as('bob');
    const mine = await flows.listTasks(bob);
    if ('kind' in mine) throw new Error(mine.message);
    expect(mine.items.map((t) => t.title)).toEqual(['Explanation on request', 'High-risk deployer duties', 'Inform the people affected']);
    const carol = await as('carol');
    const theirs = await flows.listTasks(carol);
    if ('kind' in theirs) throw new Error(theirs.message);
    expect(theirs.items.map((t) => t.title)).toEqual(['AI literacy', 'Data protection impact assessment']);
    expect(await flows.listTasks(bob, 'all')).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.listTasks(bob, 'everything')).toMatchObject({ kind: 'refused', code: 'invalid' });
    clock.set('2026-12-05T09:00:00Z');
    const overdue = await flows.listTasks(carol, 'overdue');
    if ('kind' in overdue) throw new Error(overdue.message);
    expect(overdue.items.map((t) => [t.title, t.overdueDays])).toEqual([
      ['AI literacy', 3],
      ['Data protection impact assessment', 3],
    ]);
    clock.set('2026-11-02T09:00:00Z');
  });

  it('done needs evidence, only the assignee, the group or compliance may close, and five clicks close once', async () => {
    const bob = await as('bob');
    const mallory = await as('mallory');
    const [task] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:deployer_high_risk`));
    const ref = `T-${task!.number}`;
    const auditBefore = (await database.db.select().from(auditEvents)).length;
    expect(await flows.completeTask(mallory, ref, 'https://x.example')).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.completeTask(bob, ref, '   ')).toMatchObject({ kind: 'refused', code: 'invalid' });
    expect(await flows.completeTask(bob, ref, 'javascript:alert(1)')).toMatchObject({ kind: 'refused', code: 'invalid' });
    expect(await flows.completeTask(bob, 'T-999', 'https://x.example')).toMatchObject({ kind: 'refused', code: 'not_found' });
    expect((await database.db.select().from(auditEvents)).length).toBe(auditBefore);
    const evidence = `Logs kept: https://wiki.example/logs ${HOSTILE}`;
    const clicks = await Promise.all(Array.from({ length: 5 }, () => flows.completeTask(bob, ref, evidence)));
    expect(clicks.filter((c) => c.kind === 'closed')).toHaveLength(1);
    for (const c of clicks.filter((c) => c.kind === 'refused')) expect(c).toMatchObject({ code: 'already_decided', message: `${ref} is already done by bob on 2026-11-02.` });
    const [after] = await database.db.select().from(tasks).where(eq(tasks.id, task!.id));
    expect(after).toMatchObject({ status: 'done', closedById: bob.actor.id });
    expect(after!.evidence).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const done = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.done'), eq(auditEvents.subjectId, ref)));
    expect(done).toHaveLength(1);
    // Compliance may close a task of the owner.
    const [other] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:inform_affected_persons`));
    expect(await flows.completeTask(await as('cora'), `T-${other!.number}`, 'Notice added to the job ad')).toMatchObject({ kind: 'closed' });
  });

  it('not applicable needs a reason, and compliance is told through the outbox once', async () => {
    const carol = await as('carol');
    const [task] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:dpia`));
    const ref = `T-${task!.number}`;
    expect(await flows.markTaskNotApplicable(carol, ref, '')).toMatchObject({ kind: 'refused', code: 'invalid', errors: [{ field: 'reason' }] });
    const both = await Promise.all([flows.markTaskNotApplicable(carol, ref, `No personal data after all ${HOSTILE}`), flows.markTaskNotApplicable(await as('cora'), ref, 'dup')]);
    expect(both.filter((b) => b.kind === 'closed')).toHaveLength(1);
    const told = await database.db.select().from(notifications).where(eq(notifications.kind, 'task.not_applicable'));
    expect(told).toHaveLength(1);
    expect(told[0]!.recipient).toEqual({ channel: 'digest' });
    expect(told[0]!.payload).toMatchObject({ ref, title: 'Data protection impact assessment' });
  });

  it('the weekly digest counts overdue tasks and lists those marked not applicable this week', async () => {
    const ws = (await as('carol')).workspace.id;
    const start = new Date('2026-10-30T00:00:00Z');
    const now = await flows.buildDigest(database.db, deps.policy, ws, start, new Date('2026-11-06T00:00:00Z'));
    expect(now.tasks).toMatchObject({ overdue: 0, notApplicable: 1 });
    // Carol and Cora raced to close it: whoever won is named, with their reason.
    const [closed] = await database.db.select().from(tasks).where(eq(tasks.status, 'not_applicable'));
    const winner = closed!.closedById === (await as('carol')).actor.id ? 'carol' : 'cora';
    const why = winner === 'carol' ? 'No personal data after all' : 'dup';
    expect(closed!.reason!.startsWith(why)).toBe(true);
    expect(now.tasks!.notApplicableList[0]).toMatchObject({ title: 'Data protection impact assessment', by: winner });
    const text = flows.renderDigestText(now);
    expect(text).toContain('Tasks marked not applicable this week (1):');
    expect(text).toMatch(new RegExp(`Data protection impact assessment \\(AI-\\d+ "CV Screen"\\) — by ${winner}: ${why}`));
    // A month later the AI literacy task (due 2026-12-02) is overdue.
    const later = await flows.buildDigest(database.db, deps.policy, ws, new Date('2026-12-07T00:00:00Z'), new Date('2026-12-14T00:00:00Z'));
    expect(later.tasks).toMatchObject({ overdue: 1, notApplicable: 0 });
    expect(later.tasks!.overdueTop[0]).toMatchObject({ title: 'AI literacy', overdueDays: 12 });
    expect(flows.renderDigestText(later)).toContain('Overdue tasks (1):');
  });

  it('a re-triage that needs no new approval brings the tasks in line at once', async () => {
    const trains = { ...minimalAnswers, data_categories: ['confidential'], vendor_trains_on_inputs: 'yes' };
    const r = await flows.register(await as('alice'), { fields: fieldsFor('Drafts', 'shell:bob'), answers: trains });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(r.request.steps.map((s) => s.role)).toEqual(['owner', 'security']);
    await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
    await flows.decideStep(await as('sec', 'sec@acme.example'), { stepId: r.request.steps[1]!.id, decision: 'approve' });
    const key = `obligation:${r.system.id}:vendor_data_terms`;
    expect((await database.db.select().from(tasks).where(eq(tasks.dedupeKey, key)))[0]).toMatchObject({ status: 'open', assigneeGroup: 'compliance' });
    // Same class and approvers: no new approval, and the vendor-terms duty is gone at once.
    const re = await flows.retriage(await as('bob'), r.system.ref, { ...trains, vendor_trains_on_inputs: 'no' });
    if (re.kind !== 'retriaged') throw new Error(JSON.stringify(re));
    expect(re.request).toBeNull();
    expect((await database.db.select().from(tasks).where(eq(tasks.dedupeKey, key)))[0]).toMatchObject({ status: 'not_applicable', reason: `no longer applies after re-triage (${r.system.ref} is now minimal)` });
  });

  it('re-approval after a re-triage closes obligations that no longer apply, and retirement closes the rest', async () => {
    const bob = await as('bob');
    const re = await flows.retriage(bob, cvRef, minimalAnswers);
    if (re.kind !== 'retriaged') throw new Error(JSON.stringify(re));
    expect(re.request).not.toBeNull();
    // Nothing changes before the new classification is approved.
    const [explanation] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:explanation_on_request`));
    expect(explanation!.status).toBe('open');
    for (const s of re.request!.steps) expect((await flows.decideStep(bob, { stepId: s.id, decision: 'approve' })).kind).toBe('recorded');
    const [closed] = await database.db.select().from(tasks).where(eq(tasks.id, explanation!.id));
    expect(closed).toMatchObject({ status: 'not_applicable', closedById: null });
    expect(closed!.reason).toBe(`no longer applies after re-triage (${cvRef} is now minimal)`);
    const [literacy] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, 'obligation:workspace:ai_literacy'));
    expect(literacy!.status).toBe('open');
    const audit = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.not_applicable'), eq(auditEvents.actor, 'shell:bob')));
    expect(audit.length).toBeGreaterThanOrEqual(1);

    // Back to high-risk and approved again: the task the bot closed is reopened, not duplicated.
    const back = await flows.retriage(bob, cvRef, highAnswers);
    if (back.kind !== 'retriaged' || !back.request) throw new Error(JSON.stringify(back));
    const who: Record<string, string> = { owner: 'bob', compliance: 'carol', privacy: 'pat' };
    for (const s of back.request.steps) expect((await flows.decideStep(await as(who[s.role]!), { stepId: s.id, decision: 'approve' })).kind).toBe('recorded');
    const again = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:explanation_on_request`));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: 'open', reason: null });
    expect(await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.reopened'), eq(auditEvents.subjectId, `T-${again[0]!.number}`)))).toHaveLength(1);
    // A task a person closed stays closed.
    expect((await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `obligation:${cvId}:deployer_high_risk`)))[0]!.status).toBe('done');

    // A system with an open task is retired: the task is closed with the reason.
    const tool = await approved('Ranker');
    const open = await database.db.select().from(tasks).where(and(eq(tasks.systemId, tool.id), eq(tasks.status, 'open')));
    expect(open.length).toBeGreaterThan(0);
    const r = await flows.retire(bob, tool.ref, 'replaced');
    expect(r.kind).toBe('retired');
    const after = await database.db.select().from(tasks).where(eq(tasks.systemId, tool.id));
    expect(after.every((t) => t.status === 'not_applicable' && t.reason === `no longer applies: ${tool.ref} was retired`)).toBe(true);
    expect((await database.db.select().from(tasks).where(eq(tasks.dedupeKey, 'obligation:workspace:ai_literacy')))[0]!.status).toBe('open');
    expect((await flows.verifyAudit(deps.db)).ok).toBe(true);
  });
});
