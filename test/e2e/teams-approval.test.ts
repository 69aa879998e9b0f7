/** Approvals in Teams over HTTP: register through the cards, decide with Universal Actions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps, platformMessages } from '../../db/schema';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';
import type { Answers } from '../../flows/triage/types';

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
    expect(refresh.userIds).toEqual(expect.arrayContaining([people.bob.aad, people.compliance.aad, people.compliance2.aad]));
    expect(refresh.userIds).not.toContain(people.mallory.aad);
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
      expect(cardText(answer)).toContain(`you approved the ${steps[i]!.role} step`);
      await bench.drain();
    }
    const [after] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system.id));
    expect(after!.status).toBe('approved');
    const updates = bench.fake.updates(APPROVALS);
    expect(updates.length).toBe(3);
    expect(updates.every((u) => u.activityId === stored[0]!.messageId)).toBe(true);
    const final = cardOf(updates.at(-1)!.body);
    expect(cardText(final)).toContain('**approved**');
    expect(final.refresh).toBeUndefined();
    // The submitter hears the outcome in their personal chat.
    const outcome = bench.fake.sent(`a:personal-${people.alice.aad}`).map((c) => cardText(cardOf(c.body)));
    expect(outcome.some((t) => t.includes('Chat Helper was approved'))).toBe(true);
  });
});
