/** Register → triage → approved by every step, with the exact calls Slack receives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, assessments, platformMessages } from '../../db/schema';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { blockAction } from '../helpers/slack-requests';
import { registerTool } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: register, triage and approve', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers health and readiness on the same server', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { database: true } });
  });

  it('walks the modal pages, posts the thread, and updates every copy until approved', async () => {
    const { views, last } = await registerTool(s, USERS.alice.id, fieldsFor('CV Screener', 'slack:U0BOB'), highAnswers);
    // Page 1 is registration; block and action ids are the field ids.
    const page1 = views[0]!;
    const ids = (page1.blocks as Array<{ type: string; block_id?: string; element?: { action_id: string; type: string } }>).filter((b) => b.type === 'input');
    expect(ids.map((b) => b.block_id)).toEqual(['name', 'vendor', 'url', 'purpose', 'owner', 'department', 'usage_status']);
    expect(ids.every((b) => b.element?.action_id === b.block_id)).toBe(true);
    expect(ids.find((b) => b.block_id === 'owner')?.element?.type).toBe('users_select');
    expect(views.length).toBeGreaterThanOrEqual(4);
    // The triage pages ask the v2 questions, from the questionnaire data.
    const asked = views.slice(1).flatMap((v) => (v.blocks as Array<{ type: string; block_id?: string }>).filter((b) => b.type === 'input').map((b) => b.block_id));
    for (const id of ['technique', 'ai_act_exclusion', 'substantially_modified', 'public_sector', 'decides_about_people']) expect(asked).toContain(id);
    expect(asked).not.toContain('public_service_provider');
    expect(views.every((v) => v.title.text.length <= 24)).toBe(true);
    // The last response is the private summary: class, reasons, approvers.
    const summary = JSON.stringify(last.view);
    expect(summary).toContain('high-risk');
    expect(summary).toContain('<@U0BOB>');
    expect(summary).toContain('<@U0DPO>');

    // Direct messages go to the user id: no conversations.open per message.
    expect(s.fake.callsOf('conversations.open')).toHaveLength(0);
    const [system] = await s.deps.db.select().from(aiSystems);
    expect(system?.status).toBe('pending_approval');
    const [assessment] = await s.deps.db.select().from(assessments).where(eq(assessments.systemId, system!.id));
    expect(assessment?.questionnaireVersion).toBe(2);

    // The thread: a parent in the approvals channel, then one reply per step mentioning its approvers.
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0APPROVALS');
    expect(posts).toHaveLength(4);
    const [parent, ...steps] = posts;
    expect(parent!.params.thread_ts).toBeUndefined();
    expect(parent!.auth).toBe('Bearer xoxb-test-token');
    const parentTs = (await s.deps.db.select().from(platformMessages).where(eq(platformMessages.role, 'parent')))[0]!.messageId;
    for (const st of steps) expect(st.params.thread_ts).toBe(parentTs);
    expect(JSON.stringify(steps[0]!.params.blocks)).toContain('<@U0BOB>');
    expect(JSON.stringify(steps[1]!.params.blocks)).toContain('<@U0COMP>');
    expect(JSON.stringify(steps[2]!.params.blocks)).toContain('<@U0DPO>');
    expect(s.fake.callsOf('users.lookupByEmail').some((c) => c.params.email === 'dpo@acme.example')).toBe(true);
    const actionIds = JSON.stringify(steps[0]!.params.blocks);
    for (const id of ['approval.approve', 'approval.reject', 'approval.request_changes']) expect(actionIds).toContain(id);
    const copies = await s.deps.db.select().from(platformMessages);
    expect(copies.map((c) => c.role).sort()).toEqual(['parent', 'step', 'step', 'step']);

    // Every approver approves their step.
    const approvers = [USERS.bob.id, USERS.carol.id, USERS.dpo.id];
    const stepCopies = copies.filter((c) => c.role === 'step').sort((a, b) => a.stepId! - b.stepId!);
    for (const [i, user] of approvers.entries()) {
      s.fake.reset();
      const copy = stepCopies[i]!;
      const res = await s.send(
        blockAction({ actionId: 'approval.approve', value: String(copy.stepId), user, channel: 'C0APPROVALS', messageTs: copy.messageId, threadTs: parentTs, responseUrl: `${s.fake.responseBase}/a${i}` }),
      );
      expect(res.status).toBe(200);
      await s.settle();
      // The parent and the decided step are updated in place; a reply that would read the same
      // is left alone (chat.update is rate-limited), and every copy shows the current state.
      const updated = s.fake.callsOf('chat.update').map((u) => u.params.ts);
      expect(updated).toEqual(expect.arrayContaining([parentTs, copy.messageId]));
      expect(new Set(updated).size).toBe(updated.length);
      // Before the last decision the other replies read the same: only those two are sent.
      if (i < approvers.length - 1) expect([...updated].sort()).toEqual([parentTs, copy.messageId].sort());
      expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
      const shown = s.fake.messages('C0APPROVALS');
      const decided = shown.find((m) => m.ts === copy.messageId)!;
      expect(JSON.stringify(decided.blocks)).not.toContain('approval.approve');
      for (const other of stepCopies.slice(i + 1)) {
        expect(JSON.stringify(shown.find((m) => m.ts === other.messageId)!.blocks)).toContain('approval.approve');
      }
    }
    const [after] = await s.deps.db.select().from(aiSystems);
    expect(after?.status).toBe('approved');
    // The submitter is told in a DM, and that copy is recorded.
    // (posted to the user id: Slack puts it in the bot's DM with them)
    const dm = s.fake.callsOf('chat.postMessage').find((c) => [USERS.alice.id, `D${USERS.alice.id}`].includes(String(c.params.channel)));
    expect(dm?.params.text).toContain('approved');
    const roles = (await s.deps.db.select().from(platformMessages)).map((c) => c.role);
    expect(roles).toContain('outcome');
    // The parent now says approved and the step replies have no buttons left (as the fake shows them).
    const lastParent = s.fake.callsOf('chat.update').find((u) => u.params.ts === parentTs);
    expect(JSON.stringify(lastParent?.params.blocks)).toContain('approved');
    for (const c of stepCopies) expect(JSON.stringify(s.fake.messages('C0APPROVALS').find((m) => m.ts === c.messageId)!.blocks)).not.toContain('approval.approve');
  });
});
