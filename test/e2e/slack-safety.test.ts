/** Forged and stale requests, invalid form input, mrkdwn injection, 429 and event retries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems, auditEvents, notifications, people, workspaces } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { eventCallback, signatureHeaders, slashCommand } from '../helpers/slack-requests';
import { command, lastOpenedView, registerTool, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: safety of input and output', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers a forged signature and a stale timestamp with 401 and writes nothing', async () => {
    const req = slashCommand({ text: 'register', user: USERS.mallory.id, responseUrl: `${s.fake.responseBase}/x` });
    const forged = await s.sendRaw(req, signatureHeaders(req.body, 'not-the-secret'));
    expect(forged.status).toBe(401);
    const stale = await s.sendRaw(req, signatureHeaders(req.body, undefined, Math.floor(Date.now() / 1000) - 10 * 60));
    expect(stale.status).toBe(401);
    const unsigned = await s.sendRaw(req, {});
    expect(unsigned.status).toBe(401);
    await s.settle();
    expect(s.fake.calls).toHaveLength(0);
    expect(await s.deps.db.select().from(workspaces)).toHaveLength(0);
    expect(await s.deps.db.select().from(people)).toHaveLength(0);
    expect(await s.deps.db.select().from(auditEvents)).toHaveLength(0);
  });

  it('answers invalid input with errors keyed by block id', async () => {
    await command(s, USERS.alice.id, 'register');
    const page1 = lastOpenedView(s);
    const bad = await submit(s, USERS.alice.id, page1, { ...fieldsFor('', 'slack:U0ALICE'), url: 'ftp://nope' });
    expect(bad.response_action).toBe('errors');
    expect(Object.keys(bad.errors as object).sort()).toEqual(['name', 'url']);

    const ok = await submit(s, USERS.alice.id, page1, fieldsFor('Form Tool', 'slack:U0ALICE'));
    expect(ok.response_action).toBe('update');
    const page2 = ok.view as Parameters<typeof submit>[2];
    const wrong = await submit(s, USERS.alice.id, page2, { ...minimalAnswers, ai_capabilities: ['none', 'generates_content'] });
    expect(wrong).toEqual({ response_action: 'errors', errors: { ai_capabilities: expect.stringContaining('none') } });
    expect(await s.deps.db.select().from(aiSystems)).toHaveLength(0);
  });

  it('offers the existing system when the name is a duplicate', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('ChatGPT Enterprise', 'slack:U0ALICE'), minimalAnswers);
    await command(s, USERS.bob.id, 'register');
    const dup = await submit(s, USERS.bob.id, lastOpenedView(s), fieldsFor('chatgpt-enterprise', 'slack:U0BOB'));
    expect(dup.response_action).toBe('errors');
    expect((dup.errors as Record<string, string>).name).toContain(seeded.system.ref);
  });

  it('keeps <!channel> and fake mentions in a tool name inert', async () => {
    s.fake.reset();
    const name = '<!channel> <@U0FAKE> & Co';
    await registerTool(s, USERS.alice.id, fieldsFor(name, 'slack:U0BOB'), minimalAnswers);
    const posted = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0APPROVALS');
    expect(posted.length).toBeGreaterThan(0);
    for (const p of posted) {
      const text = JSON.stringify(p.params.blocks) + String(p.params.text);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@U0FAKE>');
    }
    expect(JSON.stringify(posted[0]!.params.blocks)).toContain('&lt;!channel&gt; &lt;@U0FAKE&gt; &amp; Co');
  });

  it('waits for Retry-After after a 429 and posts every message exactly once', async () => {
    s.fake.reset();
    // The parent goes through; the first step reply is rate limited.
    s.fake.rateLimitOnce('chat.postMessage', 7, 1);
    const before = s.clock.now().getTime();
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Rate Limited', 'slack:U0BOB'), { ...minimalAnswers, data_categories: ['personal'] });
    expect(s.fake.limitedCalls).toHaveLength(1);
    const pending = (await s.deps.db.select().from(notifications)).find((n) => n.kind === 'approval.requested' && (n.payload as { requestId: number }).requestId === seeded.request.id)!;
    expect(pending.status).toBe('pending');
    expect(pending.notBefore.getTime()).toBeGreaterThanOrEqual(before + 7000);
    // Not yet due: nothing more is sent.
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(1);
    s.clock.advance(7000);
    await s.settle();
    const posts = s.fake.callsOf('chat.postMessage');
    const parents = posts.filter((p) => !p.params.thread_ts);
    expect(parents).toHaveLength(1);
    const replies = posts.filter((p) => p.params.thread_ts);
    const steps = await s.deps.db.select().from(notifications);
    expect(steps.find((n) => n.id === pending.id)?.status).toBe('sent');
    expect(replies).toHaveLength(seeded.request.steps.length);
    expect(new Set(replies.map((r) => JSON.stringify(r.params.blocks))).size).toBe(replies.length);
  });

  it('publishes App Home once for an event Slack retried', async () => {
    s.fake.reset();
    const event = { type: 'app_home_opened', user: USERS.bob.id, channel: `D${USERS.bob.id}`, tab: 'home', event_ts: `${Date.now() / 1000}` };
    const first = await s.send(eventCallback({ event, eventId: 'Ev0HOME1' }));
    expect(first.status).toBe(200);
    await s.settle();
    const retry = await s.send(eventCallback({ event, eventId: 'Ev0HOME1' }), { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await s.settle();
    const published = s.fake.callsOf('views.publish');
    expect(published).toHaveLength(1);
    expect(published[0]!.params.user_id).toBe(USERS.bob.id);
    const home = JSON.stringify(published[0]!.params.view);
    expect(home).toContain('My tools');
    expect(home).toContain('Waiting for me');
    expect(home).toContain('Reviews due');
    // Bob owns tools registered above and has owner steps waiting.
    expect(home).toContain('Rate Limited');
  });
});
