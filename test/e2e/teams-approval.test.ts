/** Approvals in Teams over HTTP: register through the cards, decide with Universal Actions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps, platformMessages } from '../../db/schema';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';
import type { Answers } from '../../flows/triage/types';
import { roleLabel } from '../../flows/display';

let bench: TeamsBench;

beforeAll(async () => {
  bench = await startTeamsBench('pglite');
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.compliance, people.security]) await bench.installPersonal(u);
});
afterAll(async () => bench?.close());

async function registerViaCards(u: TeamsUser, name: string, owner: TeamsUser, answers: Answers) {
  const first = await bench.say(u, 'register');
  const fields = { ...fieldsFor(name, owner.aad) };
  const last = await bench.fillForm(u, first, formValues(fields, answers));
  const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, name));
  expect(system, cardText(last)).toBeDefined();
  const [request] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, system!.id));
  await bench.drain();
  const steps = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, request!.id)).orderBy(approvalSteps.position);
  return { system: system!, request: request!, steps, last };
}

function decide(u: TeamsUser, stepId: number, action: string, reason?: string) {
  return bench.execute(u, { action, stepId, ...(reason !== undefined ? { reason } : {}) }, { channel: true });
}

async function copies(requestId: number) {
  return bench.db.db
    .select()
    .from(platformMessages)
    .where(and(eq(platformMessages.subjectType, 'approval_request'), eq(platformMessages.subjectId, requestId)));
}

describe('Teams approvals', () => {
  it('registers through paged cards and approves with every approver; every copy is updated', async () => {
    const { system, request, steps, last } = await registerViaCards(people.alice, 'Chat Helper', people.bob, highAnswers);
    expect(cardText(last)).toContain('Registered AI-');
    expect(steps.map((s) => s.role)).toEqual(['owner', 'compliance', 'privacy']);

    // The card went to the approvals channel, once, and was recorded.
    const posted = bench.fake.sent(APPROVALS);
    expect(posted).toHaveLength(1);
    const card = cardOf(posted[0]!.body);
    expect(cardText(card)).toContain('Chat Helper');
    expect(buttons(card)).toEqual([]);
    const refresh = card.refresh as { action: { verb: string }; userIds: string[] };
    expect(refresh.action.verb).toBe('refresh');
    // Teams matches refresh.userIds against user MRIs only: those of stored references, and the
    // roster's for an approver who never spoke to the bot (Carl); never an AAD object id.
    expect(refresh.userIds).toEqual([`29:${people.bob.aad}`, `29:${people.compliance.aad}`, `29:${people.compliance2.aad}`].sort());
    expect(refresh.userIds.every((id) => id.startsWith('29:'))).toBe(true);
    expect(refresh.userIds).not.toContain(`29:${people.mallory.aad}`);
    const stored = await copies(request.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ platform: 'teams', conversationId: APPROVALS, messageId: posted[0]!.body ? expect.any(String) : '' });

    // The refresh gives the owner their buttons and Mallory none.
    const bobView = await bench.execute(people.bob, { action: 'approval.refresh', requestId: request.id }, { verb: 'refresh', channel: true, trigger: 'automatic' });
    expect(buttons(bobView).map((b) => b.data.action)).toEqual(['approval.approve', 'approval.reject', 'approval.request_changes']);
    expect(buttons(bobView)[0]!.data.stepId).toBe(steps[0]!.id);
    expect(inputs(bobView).map((i) => i.id)).toEqual(['reason']);
    const malloryView = await bench.execute(people.mallory, { action: 'approval.refresh', requestId: request.id }, { verb: 'refresh', channel: true });
    expect(buttons(malloryView)).toEqual([]);

    // The privacy member is known by email only: Teams tells us the email, the policy matches it.
    await bench.installPersonal(people.dpo);
    const dpoView = await bench.execute(people.dpo, { action: 'approval.refresh', requestId: request.id }, { verb: 'refresh', channel: true });
    expect(buttons(dpoView)[0]!.data.stepId).toBe(steps[2]!.id);

    const approvers = [people.bob, people.compliance, people.dpo];
    for (const [i, u] of approvers.entries()) {
      const answer = await decide(u, steps[i]!.id, 'approval.approve');
      expect(cardText(answer)).toContain(`you approved the ${roleLabel(steps[i]!.role)} step`);
      await bench.drain();
    }
    const [after] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system.id));
    expect(after!.status).toBe('approved');
    const updates = bench.fake.updates(APPROVALS);
    expect(updates.length).toBe(3);
    expect(updates.every((u) => u.activityId === stored[0]!.messageId)).toBe(true);
    // An update names the message it replaces and nothing it would reply to.
    expect(updates.every((u) => u.body?.id === stored[0]!.messageId && u.body?.replyToId === undefined)).toBe(true);
    const final = cardOf(updates.at(-1)!.body);
    expect(cardText(final)).toContain('**approved**');
    expect(final.refresh).toBeUndefined();
    // The submitter hears the outcome in their personal chat.
    const outcome = bench.fake.sent(`a:personal-${people.alice.aad}`).map((c) => cardText(cardOf(c.body)));
    expect(outcome.some((t) => t.includes('Chat Helper was approved'))).toBe(true);
  });

  it('reject needs a reason: an empty one comes back as the card with an error; then it is rejected', async () => {
    const { system, steps } = await registerViaCards(people.alice, 'Reject Me', people.bob, minimalAnswers);
    const ownerStep = steps.find((s) => s.role === 'owner')!;
    const updatesBefore = bench.fake.updates(APPROVALS).length;
    const empty = await decide(people.bob, ownerStep.id, 'approval.reject', '   ');
    expect(cardText(empty)).toContain('A reason is required');
    expect(inputs(empty).map((i) => i.id)).toContain('reason');
    expect(buttons(empty).map((b) => b.data.action)).toContain('approval.reject');
    const [still] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.id, ownerStep.id));
    expect(still!.status).toBe('pending');

    const done = await decide(people.bob, ownerStep.id, 'approval.reject', 'Not needed: we have a tool for this');
    expect(cardText(done)).toContain('you rejected the business owner step');
    await bench.drain();
    const [after] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system.id));
    expect(after!.status).toBe('rejected');
    const updates = bench.fake.updates(APPROVALS).slice(updatesBefore);
    expect(updates).toHaveLength(1);
    expect(cardText(cardOf(updates[0]!.body))).toContain('Not needed: we have a tool for this');
    const outcome = bench.fake.sent(`a:personal-${people.alice.aad}`).map((c) => cardText(cardOf(c.body)));
    expect(outcome.some((t) => t.includes('Reject Me was rejected') && t.includes('Not needed'))).toBe(true);
  });

  it('request changes, then the submitter resubmits through the cards and a new approval starts', async () => {
    const { system, steps } = await registerViaCards(people.alice, 'Needs Work', people.bob, highAnswers);
    const compliance = steps.find((s) => s.role === 'compliance')!;
    const r = await decide(people.compliance, compliance.id, 'approval.request_changes', 'Say which data it sees');
    expect(cardText(r)).toContain('you requested changes on the compliance step');
    await bench.drain();
    const [changed] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system.id));
    expect(changed!.status).toBe('changes_requested');

    const postedBefore = bench.fake.sent(APPROVALS).length;
    const first = await bench.say(people.alice, `resubmit AI-${system.refNumber}`);
    // The previous answers are offered as defaults.
    expect(inputs(first).find((i) => i.id === 'ai_capabilities')!.value).toBe('predicts_or_scores,classifies_or_recommends');
    const last = await bench.fillForm(people.alice, first, formValues({}, { ...highAnswers, data_categories: ['personal', 'internal'] }));
    expect(cardText(last)).toContain(`Resubmitted AI-${system.refNumber}`);
    await bench.drain();
    const [again] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system.id));
    expect(again!.status).toBe('pending_approval');
    const requests = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, system.id));
    expect(requests.map((q) => q.status).sort()).toEqual(['changes_requested', 'pending']);
    expect(bench.fake.sent(APPROVALS).length).toBe(postedBefore + 1);
  });

  it('an Action.Execute by someone who may not decide gets "not yours to decide" and changes nothing', async () => {
    const { request, steps } = await registerViaCards(people.alice, 'Not Yours', people.bob, highAnswers);
    const ownerStep = steps.find((s) => s.role === 'owner')!;
    const updatesBefore = bench.fake.updates().length;
    const card = await decide(people.mallory, ownerStep.id, 'approval.approve');
    expect(cardText(card)).toContain('not yours to decide');
    expect(buttons(card)).toEqual([]);
    // The submitter may not decide the compliance step of their own request either.
    const compliance = steps.find((s) => s.role === 'compliance')!;
    await bench.installPersonal(people.compliance2);
    const own = await decide(people.alice, compliance.id, 'approval.approve');
    expect(cardText(own)).toMatch(/not yours to decide|You submitted this request/);
    await bench.drain();
    const rows = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, request.id));
    expect(rows.every((s) => s.status === 'pending' && s.decidedById === null)).toBe(true);
    expect(bench.fake.updates().length).toBe(updatesBefore);
  });

  it('a duplicate invoke is told who already decided, and one decision is recorded', async () => {
    const { request, steps } = await registerViaCards(people.alice, 'Double Click', people.bob, highAnswers);
    const ownerStep = steps.find((s) => s.role === 'owner')!;
    await decide(people.bob, ownerStep.id, 'approval.approve');
    const second = await decide(people.bob, ownerStep.id, 'approval.reject', 'changed my mind');
    expect(cardText(second)).toContain('Already decided: Bob approved the owner step');
    await bench.drain();
    const [step] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.id, ownerStep.id));
    expect(step!.status).toBe('approved');
    const [req] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.id, request.id));
    expect(req!.status).toBe('pending');
  });

  it('an action carrying only the request id and a reason decides the viewer\'s step; verbs match the data', async () => {
    const { request, steps } = await registerViaCards(people.alice, 'Only The Request', people.bob, highAnswers);
    const view = await bench.execute(people.compliance, { action: 'approval.refresh', requestId: request.id }, { verb: 'refresh', channel: true });
    for (const b of buttons(view)) {
      expect(b.verb).toBe(b.data.action);
      expect(b.data).toMatchObject({ requestId: request.id, stepId: steps[1]!.id });
    }
    const changes = await bench.execute(people.compliance, { action: 'approval.request_changes', requestId: request.id, reason: 'Name the data it sees' }, { channel: true });
    expect(cardText(changes)).toContain('you requested changes on the compliance step');
    // The verb alone names the action too (a client that drops data.action).
    const again = await bench.execute(people.compliance2, { requestId: request.id, reason: 'me too' }, { verb: 'approval.reject', channel: true });
    expect(cardText(again)).toContain('Already decided');
    const nobody = await bench.execute(people.mallory, { action: 'approval.approve', requestId: request.id }, { channel: true });
    expect(cardText(nobody)).toContain('not yours to decide');
    const rows = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, request.id)).orderBy(approvalSteps.position);
    expect(rows.map((r) => [r.role, r.status, r.reason])).toEqual([
      ['owner', 'cancelled', null],
      ['compliance', 'changes_requested', 'Name the data it sees'],
      ['privacy', 'cancelled', null],
    ]);
    const [req] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.id, request.id));
    expect(req!.status).toBe('changes_requested');
  });

  it('two compliance members racing on the same step give one outcome; the other is told', async () => {
    const { steps } = await registerViaCards(people.alice, 'Race Track', people.bob, highAnswers);
    const compliance = steps.find((s) => s.role === 'compliance')!;
    const [a, b] = await Promise.all([
      decide(people.compliance, compliance.id, 'approval.approve'),
      decide(people.compliance2, compliance.id, 'approval.reject', 'too risky'),
    ]);
    const texts = [cardText(a), cardText(b)];
    expect(texts.filter((t) => t.includes('Recorded:'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Already decided:'))).toHaveLength(1);
    const [step] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.id, compliance.id));
    expect(['approved', 'rejected']).toContain(step!.status);
  });
});
