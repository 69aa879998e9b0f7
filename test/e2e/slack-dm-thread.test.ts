/** Without an approvals channel in the policy, the request's thread is a direct message with the owner. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems, platformMessages } from '../../db/schema';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { clickStep, registerTool } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

describe('Slack: approval thread in a DM with the owner', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, channels: {} } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('posts the parent and the step replies in the owner DM and updates them there', async () => {
    await registerTool(s, USERS.alice.id, fieldsFor('DM Screener', 'slack:U0BOB'), highAnswers);
    const dm = `D${USERS.bob.id}`;
    // The parent goes to the owner's user id (Slack posts it in the DM), the replies into that DM's thread.
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === dm || c.params.channel === USERS.bob.id);
    const [parent, ...steps] = posts;
    expect(parent?.params.thread_ts).toBeUndefined();
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const copies = await s.deps.db.select().from(platformMessages);
    const parentCopy = copies.find((c) => c.role === 'parent')!;
    expect(parentCopy.conversationId).toBe(dm);
    for (const st of steps) expect(st.params.thread_ts).toBe(parentCopy.messageId);
    expect(JSON.stringify(steps[0]!.params.blocks)).toContain('approval.approve');

    s.fake.reset();
    const ownerCopy = copies.find((c) => c.role === 'step')!;
    await clickStep(s, USERS.bob.id, 'approval.approve', { id: ownerCopy.stepId!, copy: ownerCopy });
    // The parent and the decided step are updated; the other replies read the same and are left alone.
    const updated = s.fake.callsOf('chat.update').map((u) => u.params.ts);
    expect(updated).toEqual(expect.arrayContaining([parentCopy.messageId, ownerCopy.messageId]));
    expect(s.fake.callsOf('chat.update').every((u) => u.params.channel === dm)).toBe(true);
    const [sys] = await s.deps.db.select().from(aiSystems);
    expect(sys?.status).toBe('pending_approval');
  });
});
