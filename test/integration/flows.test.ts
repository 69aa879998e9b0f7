/** The workflow core end to end on both databases: register, approve, reject, changes, reviews. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { approvalSteps, auditEvents, notifications } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers, prohibitedAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('workflow core on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock();
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as } = actors(database.db, clock));
  });
  afterAll(async () => database?.destroy());

  it('registers a minimal tool, the owner approves, and it is approved with a review date', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Chat Helper', 'shell:bob'), answers: minimalAnswers });
    expect(r.kind).toBe('registered');
    if (r.kind !== 'registered') return;
    expect(r.system.ref).toMatch(/^AI-\d+$/);
    expect(r.system.status).toBe('pending_approval');
    expect(r.request.steps.map((s) => s.role)).toEqual(['owner']);

    const bob = await as('bob');
    const d = await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'approve' });
    expect(d.kind).toBe('recorded');
    const shown = await flows.show(bob, r.system.ref);
    if (shown.kind !== 'system') throw new Error(shown.message);
    expect(shown.system.status).toBe('approved');
    expect(shown.system.nextReviewAt?.toISOString()).toBe(new Date(clock.now().getTime() + 365 * 86_400_000).toISOString());
    const outcome = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, `approval.outcome:${r.request.id}:approved`));
    expect(outcome).toHaveLength(1);
  });

  it('offers an existing system instead of registering a duplicate name', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('  chat-helper!! ', 'shell:bob'), answers: minimalAnswers });
    expect(r.kind).toBe('duplicate');
    if (r.kind === 'duplicate') expect(r.system.name).toBe('Chat Helper');
  });

  it('refuses invalid input with the field named and writes nothing', async () => {
    const alice = await as('alice');
    const before = await database.db.select().from(auditEvents);
    const r = await flows.register(alice, { fields: { ...fieldsFor('X', 'shell:bob'), usage_status: 'sometimes' }, answers: { ...minimalAnswers, ai_capabilities: ['none', 'generates_content'] } });
    expect(r.kind).toBe('refused');
    if (r.kind !== 'refused') return;
    expect(r.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['usage_status', 'ai_capabilities']));
    expect(await database.db.select().from(auditEvents)).toHaveLength(before.length);
  });

  it('routes a high-risk tool to owner, compliance and privacy; one rejection rejects it', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(r.request.steps.map((s) => s.role)).toEqual(['owner', 'compliance', 'privacy']);
    const carol = await as('carol');
    const noReason = await flows.decideForSystem(carol, r.system.ref, 'reject', '  ');
    expect(noReason).toMatchObject({ kind: 'refused', code: 'invalid' });
    const rej = await flows.decideForSystem(carol, r.system.ref, 'reject', 'No DPIA yet');
    expect(rej).toMatchObject({ kind: 'recorded', outcome: 'rejected' });
    const bob = await as('bob');
    const late = await flows.decideForSystem(bob, r.system.ref, 'approve');
    expect(late).toMatchObject({ kind: 'refused', code: 'closed' });
    const steps = await database.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, r.request.id));
    expect(steps.find((s) => s.role === 'compliance')).toMatchObject({ status: 'rejected', reason: 'No DPIA yet' });
    expect(steps.find((s) => s.role === 'compliance')?.assessmentSnapshot).toMatchObject({ version: 1 });
    expect(steps.filter((s) => s.status === 'cancelled').map((s) => s.role).sort()).toEqual(['owner', 'privacy']);
  });

  it('request changes, then resubmit starts a new approval on a new assessment version', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Meeting Notes', 'shell:bob'), answers: { ...minimalAnswers, data_categories: ['personal'] } });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const pat = await as('pat');
    expect(await flows.decideForSystem(pat, r.system.ref, 'request_changes', 'Say which personal data')).toMatchObject({ outcome: 'changes_requested' });
    const stranger = await as('mallory');
    expect(await flows.resubmit(stranger, r.system.ref, minimalAnswers)).toMatchObject({ code: 'not_authorised' });
    const again = await flows.resubmit(alice, r.system.ref, minimalAnswers);
    if (again.kind !== 'resubmitted') throw new Error(again.message);
    expect(again.request.assessmentVersion).toBe(2);
    expect(again.request.steps.map((s) => s.role)).toEqual(['owner']);
    expect(again.system.status).toBe('pending_approval');
  });

  it('enforces who may decide: strangers, one step per person, no independent step on own request', async () => {
    const carol = await as('carol');
    const r = await flows.register(carol, { fields: fieldsFor('Own Request', 'shell:carol'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const [ownerStep, complianceStep] = r.request.steps;
    const mallory = await as('mallory');
    expect(await flows.decideStep(mallory, { stepId: ownerStep!.id, decision: 'approve' })).toMatchObject({ code: 'not_authorised' });
    expect(await flows.decideStep(carol, { stepId: complianceStep!.id, decision: 'approve' })).toMatchObject({ code: 'not_allowed' });
    expect(await flows.decideStep(carol, { stepId: ownerStep!.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
    const cora = await as('cora');
    expect(await flows.decideStep(cora, { stepId: complianceStep!.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
    const steps = await database.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, r.request.id));
    expect(steps.find((s) => s.role === 'compliance')?.decidedById).toBe(cora.actor.id);
  });

  it('blocks a prohibited system: nobody can approve it', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Scorer', 'shell:bob'), answers: prohibitedAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(r.system.status).toBe('blocked');
    expect(r.request.status).toBe('blocked');
    expect(r.request.steps.map((s) => s.role)).toEqual(['owner', 'compliance']);
    const bob = await as('bob');
    expect(await flows.decideForSystem(bob, r.system.ref, 'approve')).toMatchObject({ code: 'blocked' });
    expect(await flows.decideForSystem(bob, r.system.ref, 'request_changes', 'let me answer again')).toMatchObject({ code: 'blocked' });
    const carol = await as('carol');
    expect((await flows.pendingForMe(carol)).map((p) => p.request.systemName)).toContain('Scorer');
    expect(await flows.decideForSystem(carol, r.system.ref, 'reject', 'Social scoring is banned')).toMatchObject({ kind: 'recorded', outcome: 'blocked' });
    const shown = await flows.show(carol, r.system.ref);
    expect(shown).toMatchObject({ system: { status: 'blocked' } });
  });

  it('checks a tool by name with its conditions and allowed data; unknown names get suggestions', async () => {
    const alice = await as('alice');
    const found = await flows.check(alice, 'CHAT helper');
    expect(found).toMatchObject({ kind: 'found', check: { verdict: 'approved', allowedData: ['internal'] } });
    if (found.kind === 'found') expect(found.check.conditions.map((c) => c.id)).toEqual(['ai_literacy']);
    const missing = await flows.check(alice, 'chat');
    expect(missing).toMatchObject({ kind: 'not_found' });
    if (missing.kind === 'not_found') expect(missing.suggestions.map((s) => s.name)).toContain('Chat Helper');
  });

  it('lists mine and what waits for me', async () => {
    const bob = await as('bob');
    const mine = await flows.listMine(bob);
    expect(mine.map((s) => s.name)).toEqual(expect.arrayContaining(['Chat Helper', 'CV Screen', 'Meeting Notes', 'Scorer']));
    const pending = await flows.pendingForMe(bob);
    expect(pending.map((p) => p.request.systemName)).toEqual(['Meeting Notes']);
    const pat = await as('pat');
    expect((await flows.pendingForMe(pat)).map((p) => p.request.systemName)).toEqual(['Own Request']);
    const mallory = await as('mallory');
    expect(await flows.pendingForMe(mallory)).toEqual([]);
  });

  it('reviews: confirm sets the next date, re-triage to a higher class starts a new approval, retire ends it', async () => {
    const bob = await as('bob');
    const confirm = await flows.confirmReview(bob, 'AI-1');
    expect(confirm.kind).toBe('confirmed');
    const mallory = await as('mallory');
    expect(await flows.confirmReview(mallory, 'AI-1')).toMatchObject({ code: 'not_authorised' });
    const tooLong = await flows.snoozeReview(bob, 'AI-1', 31, 'holiday');
    expect(tooLong).toMatchObject({ code: 'invalid' });
    const snoozed = await flows.snoozeReview(bob, 'AI-1', 10, 'owner on holiday');
    expect(snoozed).toMatchObject({ kind: 'snoozed' });
    const cardUpdates = await database.db.select().from(notifications).where(eq(notifications.kind, 'review.updated'));
    expect(cardUpdates.map((n) => (n.payload as { status: string }).status)).toEqual(['confirmed', 'snoozed']);
    const retriaged = await flows.retriage(bob, 'AI-1', { ...minimalAnswers, data_categories: ['personal'] });
    if (retriaged.kind !== 'retriaged') throw new Error(retriaged.kind);
    expect(retriaged.request?.steps.map((s) => s.role)).toEqual(['owner', 'privacy']);
    expect(retriaged.system.status).toBe('pending_approval');
    const retired = await flows.retire(bob, 'AI-1', 'replaced');
    expect(retired).toMatchObject({ kind: 'retired', system: { status: 'retired', nextReviewAt: null } });
  });

  it('keeps an intact hash chain of every change', async () => {
    const result = await flows.verifyAudit(database.db);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(result.events).toBeGreaterThan(20);
  });
});
