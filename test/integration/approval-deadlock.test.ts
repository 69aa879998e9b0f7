/**
 * No approval can deadlock (issue 11, item 2): a step nobody may decide is found when the request
 * opens; the policy's `approvals.fallback` decides it, or the submitter and compliance are told,
 * the audit trail records it and the weekly digest lists it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalSteps, auditEvents, notifications } from '../../db/schema';
import * as flows from '../../flows';
import { buildDigest, renderDigestText } from '../../flows';
import { shellDeliverer } from '../../adapters/shell/deliver';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

const clock = testClock();
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => database?.destroy());

/** A policy where carol is the only compliance member, with an optional fallback. */
const lonely = (fallback?: Record<string, string>) =>
  testPolicy({
    groups: { compliance: ['shell:carol'], privacy: ['shell:pat'], security: ['shell:sam', 'shell:sid'] },
    ...(fallback ? { approvals: { fallback } } : {}),
  });

async function stuckRows(workspaceId: number) {
  return database.db.select().from(notifications).where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.kind, 'approval.stuck')));
}

describe('a step nobody can decide', () => {
  it('the only compliance member registers: the compliance step is stuck, and the submitter and compliance are told', async () => {
    const { as, deps } = actors(database.db, clock, lonely(), 'shell', 'stuck-1');
    const carol = await as('carol');
    const r = await flows.register(carol, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const compliance = r.request.steps.find((s) => s.role === 'compliance')!;

    const rows = await stuckRows(carol.workspace.id);
    expect(rows.map((n) => n.recipient)).toEqual(expect.arrayContaining([{ person: carol.actor.id }, { channel: 'digest' }]));
    expect(rows).toHaveLength(2);
    for (const n of rows) expect(n.payload).toMatchObject({ requestId: r.request.id, stepId: compliance.id, role: 'compliance', reason: 'only_submitter' });
    const toCompliance = rows.find((n) => (n.recipient as { channel?: string }).channel === 'digest')!;
    expect((toCompliance.payload as { text: string }).text).toBe(
      `Approval stuck: nobody can decide the compliance step of ${r.system.ref} "Screener": the only member of the compliance group submitted the request, and nobody decides the compliance step of their own request. To unblock it, add a member to groups.compliance or set approvals.fallback.compliance in the policy.`,
    );
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'approval.stuck'), eq(auditEvents.subjectId, String(compliance.id))));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ requestId: r.request.id, role: 'compliance', reason: 'only_submitter' });

    // The shell prints both, addressed, as sentences.
    const printed: string[] = [];
    const deliver = shellDeliverer(deps, (t) => printed.push(t));
    for (const n of rows) expect(await deliver(n)).toEqual({ ok: true });
    expect(printed).toEqual(expect.arrayContaining([expect.stringMatching(/^\[to carol\] Nobody can decide the compliance step of AI-\d+ "Screener"/), expect.stringMatching(/^\[#digest\] Approval stuck:/)]));

    // The weekly digest lists the stuck step.
    const digest = await buildDigest(database.db, deps.policy, carol.workspace.id, new Date(clock.now().getTime() - 86_400_000), new Date(clock.now().getTime() + 86_400_000));
    expect(digest.stuckSteps).toEqual([expect.objectContaining({ ref: r.system.ref, stepId: compliance.id, role: 'compliance' })]);
    expect(renderDigestText(digest)).toContain(`Stuck approvals: nobody can decide (1):\n  ${r.system.ref} Screener — the compliance step: the only member of the compliance group submitted the request`);
  });

  it('nobody decides two steps: the owner who is the only compliance member leaves the compliance step stuck', async () => {
    const { as } = actors(database.db, clock, lonely(), 'shell', 'stuck-2');
    const alice = await as('alice');
    await as('carol');
    const r = await flows.register(alice, { fields: fieldsFor('Screener', 'shell:carol'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const rows = await stuckRows(alice.workspace.id);
    expect(rows.map((n) => n.payload)).toEqual([
      expect.objectContaining({ role: 'compliance', reason: 'taken' }),
      expect.objectContaining({ role: 'compliance', reason: 'taken' }),
    ]);
  });

  it('an empty group is stuck too; a request everyone can decide writes nothing', async () => {
    const policy = testPolicy({ groups: { compliance: [], privacy: ['shell:pat'] } });
    const { as } = actors(database.db, clock, policy, 'shell', 'stuck-3');
    const alice = await as('alice');
    const fine = await flows.register(alice, { fields: fieldsFor('Helper', 'shell:bob'), answers: minimalAnswers });
    expect(fine.kind).toBe('registered');
    expect(await stuckRows(alice.workspace.id)).toEqual([]);
    const r = await flows.register(alice, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const rows = await stuckRows(alice.workspace.id);
    expect(rows.map((n) => (n.payload as { reason: string }).reason)).toEqual(['no_members', 'no_members']);
  });

  it('members of another platform cannot act here: a Slack-only group is stuck in the shell', async () => {
    const policy = testPolicy({ groups: { compliance: ['slack:U0CAROL'], privacy: ['shell:pat'] } });
    const { as } = actors(database.db, clock, policy, 'shell', 'stuck-4');
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect((await stuckRows(alice.workspace.id)).map((n) => (n.payload as { role: string }).role)).toEqual(['compliance', 'compliance']);
  });
});

describe('approvals.fallback', () => {
  it('a fallback group decides the stuck step: the view, the buttons\' approvers and "not yours" follow it', async () => {
    const { as } = actors(database.db, clock, lonely({ compliance: 'security' }), 'shell', 'fallback-1');
    const carol = await as('carol');
    const r = await flows.register(carol, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const step = r.request.steps.find((s) => s.role === 'compliance')!;
    expect(step).toMatchObject({ group: 'security', approvers: ['shell:sam', 'shell:sid'], status: 'pending' });
    expect(await stuckRows(carol.workspace.id)).toEqual([]);
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'step.fallback'), eq(auditEvents.subjectId, String(step.id))));
    expect(event?.data).toMatchObject({ role: 'compliance', from: 'compliance', to: 'security' });

    // Carol, the only compliance member, may not decide it (she submitted it); a security member may.
    expect(await flows.previewDecision(carol, step.id, 'approve')).toMatchObject({ code: 'not_authorised', message: expect.stringContaining('a member of the security group') });
    const sam = await as('sam');
    expect((await flows.pendingForMe(sam)).map((p) => p.stepIds)).toEqual([[step.id]]);
    expect(await flows.decideStep(sam, { stepId: step.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
  });

  it('a fallback person decides the stuck step', async () => {
    const { as } = actors(database.db, clock, lonely({ compliance: 'shell:dora' }), 'shell', 'fallback-2');
    const carol = await as('carol');
    const r = await flows.register(carol, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const step = r.request.steps.find((s) => s.role === 'compliance')!;
    expect(step.approvers).toEqual(['shell:dora']);
    const sam = await as('sam');
    expect(await flows.decideStep(sam, { stepId: step.id, decision: 'approve' })).toMatchObject({ code: 'not_authorised', message: expect.stringContaining('dora, named as fallback by the policy') });
    const dora = await as('dora');
    expect(await flows.decideStep(dora, { stepId: step.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
  });

  it('a step that is decidable keeps its own group even when a fallback is set', async () => {
    const { as } = actors(database.db, clock, lonely({ compliance: 'security' }), 'shell', 'fallback-3');
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(r.request.steps.find((s) => s.role === 'compliance')).toMatchObject({ group: 'compliance', approvers: ['shell:carol'] });
  });

  it('a fallback that cannot decide either (it is the submitter) leaves the step stuck and says so', async () => {
    const { as } = actors(database.db, clock, lonely({ compliance: 'shell:carol' }), 'shell', 'fallback-4');
    const carol = await as('carol');
    const r = await flows.register(carol, { fields: fieldsFor('Screener', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(await stuckRows(carol.workspace.id)).toHaveLength(2);
    const [row] = await database.db.select().from(approvalSteps).where(and(eq(approvalSteps.requestId, r.request.id), eq(approvalSteps.role, 'compliance')));
    expect(row?.groupName).toBe('compliance');
  });

  it('a re-triage opening a new request is checked again', async () => {
    const { as } = actors(database.db, clock, lonely(), 'shell', 'fallback-6');
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Drifting', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
    // Carol (compliance, its only member) re-triages it to high-risk: she may not decide the compliance step.
    const carol = await as('carol');
    const re = await flows.retriage(carol, r.system.ref, highAnswers);
    if (re.kind !== 'retriaged' || !re.request) throw new Error(re.kind);
    const rows = await stuckRows(alice.workspace.id);
    expect(rows.map((n) => n.recipient)).toEqual(expect.arrayContaining([{ person: carol.actor.id }, { channel: 'digest' }]));
    expect(rows.every((n) => (n.payload as { requestId: number }).requestId === re.request!.id)).toBe(true);
  });

  it('a resubmission opening a new request is checked again', async () => {
    const { as } = actors(database.db, clock, lonely(), 'shell', 'fallback-5');
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Helper', 'shell:carol'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const carol = await as('carol');
    expect(await flows.decideStep(carol, { stepId: r.request.steps[0]!.id, decision: 'request_changes', reason: 'wrong answers' })).toMatchObject({ kind: 'recorded' });
    expect(await stuckRows(alice.workspace.id)).toEqual([]);
    // Carol resubmits as the owner; she is the only compliance member, so that step is stuck.
    const again = await flows.resubmit(carol, r.system.ref, highAnswers);
    if (again.kind !== 'resubmitted') throw new Error(again.kind);
    expect((await stuckRows(alice.workspace.id)).map((n) => (n.payload as { requestId: number }).requestId)).toEqual([again.request.id, again.request.id]);
  });
});
