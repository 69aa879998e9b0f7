/** Rejections, requested changes and resubmission, refused clicks, double clicks and racing approvers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, approvalSteps, notifications } from '../../db/schema';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { blockAction } from '../helpers/slack-requests';
import { clickStep, completeForm, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: decisions in the thread (real Postgres)', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('rejects with a required reason given in a modal', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Rejectable', 'slack:U0BOB'), highAnswers);
    const compliance = seeded.steps.find((st) => st.role === 'compliance')!;
    s.fake.reset();
    await clickStep(s, USERS.carol.id, 'approval.reject', compliance);
    const modal = lastOpenedView(s);
    expect(modal.callback_id).toBe('approval.reason');
    const input = (modal.blocks as Array<{ block_id?: string; element?: { action_id: string } }>).find((b) => b.block_id === 'reason');
    expect(input?.element?.action_id).toBe('reason');

    const empty = await submit(s, USERS.carol.id, modal, { reason: '' });
    expect(empty).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('required') } });
    expect(s.fake.callsOf('chat.update')).toHaveLength(0);

    const done = await submit(s, USERS.carol.id, modal, { reason: 'No data processing agreement <yet>' });
    expect(done).toEqual({});
    const [sys] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, seeded.system.id));
    expect(sys?.status).toBe('rejected');
    const updates = s.fake.callsOf('chat.update');
    expect(updates.map((u) => u.params.ts)).toEqual(expect.arrayContaining([seeded.parent.messageId, ...seeded.steps.map((st) => st.copy.messageId)]));
    expect(JSON.stringify(updates[0]!.params.blocks)).toContain('No data processing agreement &lt;yet&gt;');
    const dm = s.fake.callsOf('chat.postMessage').find((c) => [USERS.alice.id, `D${USERS.alice.id}`].includes(String(c.params.channel)));
    expect(dm?.params.text).toContain('rejected');
    expect(JSON.stringify(dm?.params.blocks)).toContain('No data processing agreement');
  });

  it('requests changes, and the submitter resubmits from the button in the DM', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Changeable', 'slack:U0BOB'), minimalAnswers);
    const owner = seeded.steps[0]!;
    s.fake.reset();
    await clickStep(s, USERS.bob.id, 'approval.request_changes', owner);
    await submit(s, USERS.bob.id, lastOpenedView(s), { reason: 'Say which data goes in' });
    const [sys] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, seeded.system.id));
    expect(sys?.status).toBe('changes_requested');
    const dm = s.fake.callsOf('chat.postMessage').find((c) => [USERS.alice.id, `D${USERS.alice.id}`].includes(String(c.params.channel)))!;
    expect(JSON.stringify(dm.params.blocks)).toContain('system.resubmit');

    s.fake.reset();
    await s.send(
      blockAction({ actionId: 'system.resubmit', value: seeded.system.ref, user: USERS.alice.id, channel: `D${USERS.alice.id}`, messageTs: '1.1', responseUrl: `${s.fake.responseBase}/r` }),
    );
    await s.settle();
    const first = lastOpenedView(s);
    // Prefilled with the earlier answers.
    expect(JSON.stringify(first.blocks)).toContain('initial_options');
    const { last } = await completeForm(s, USERS.alice.id, first, { ...minimalAnswers, data_categories: ['public'] });
    expect(JSON.stringify(last.view)).toContain('resubmitted');
    const [again] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, seeded.system.id));
    expect(again?.status).toBe('pending_approval');
    // A new thread for the new request.
    const parents = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0APPROVALS' && !c.params.thread_ts);
    expect(parents).toHaveLength(1);
  });

  it('tells a non-approver privately that it is not theirs, and changes nothing', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Not Yours', 'slack:U0BOB'), minimalAnswers);
    s.fake.reset();
    for (const action of ['approval.approve', 'approval.reject']) {
      await clickStep(s, USERS.mallory.id, action, seeded.steps[0]!);
    }
    const eph = s.fake.callsOf('chat.postEphemeral');
    expect(eph).toHaveLength(2);
    for (const e of eph) {
      expect(e.params.user).toBe(USERS.mallory.id);
      expect(e.params.text).toContain('not yours to decide');
      expect(e.params.thread_ts).toBe(seeded.parent.messageId);
    }
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(s.fake.callsOf('chat.update')).toHaveLength(0);
    const [step] = await s.deps.db.select().from(approvalSteps).where(eq(approvalSteps.id, seeded.steps[0]!.id));
    expect(step?.status).toBe('pending');
  });

  it('records a double click once and tells who already decided', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Double Click', 'slack:U0BOB'), highAnswers);
    const owner = seeded.steps[0]!;
    s.fake.reset();
    await clickStep(s, USERS.bob.id, 'approval.approve', owner);
    await clickStep(s, USERS.bob.id, 'approval.approve', owner);
    const eph = s.fake.callsOf('chat.postEphemeral');
    expect(eph).toHaveLength(1);
    expect(eph[0]!.params.text).toContain('Already decided: Bob approved');
    const updates = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'approval.updated'));
    expect(updates.filter((n) => (n.payload as { requestId: number }).requestId === seeded.request.id)).toHaveLength(1);
  });

  it('gives one outcome when two approvers race for the same step', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Race', 'slack:U0BOB'), highAnswers);
    const compliance = seeded.steps.find((st) => st.role === 'compliance')!;
    s.fake.reset();
    const click = (user: string) =>
      s.send(
        blockAction({ actionId: 'approval.approve', value: String(compliance.id), user, channel: 'C0APPROVALS', messageTs: compliance.copy.messageId, threadTs: seeded.parent.messageId, responseUrl: `${s.fake.responseBase}/race` }),
      );
    const [a, b] = await Promise.all([click(USERS.carol.id), click(USERS.dana.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await s.settle();
    const [step] = await s.deps.db.select().from(approvalSteps).where(eq(approvalSteps.id, compliance.id));
    expect(step?.status).toBe('approved');
    const eph = s.fake.callsOf('chat.postEphemeral');
    expect(eph).toHaveLength(1);
    expect(eph[0]!.params.text).toMatch(/Already decided: (Carol|Dana) Compliance approved/);
    const loser = eph[0]!.params.user;
    const winnerName = loser === USERS.carol.id ? 'Dana' : 'Carol';
    expect(eph[0]!.params.text).toContain(winnerName);
  });
});
