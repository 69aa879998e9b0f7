/**
 * The AI tool catalog on Slack through real Bolt and signed requests against the fake Web API:
 * `check chatgpt` offers registration with the `discovery.register` button; clicking it opens the
 * registration modal pre-filled from the catalog; submitting registers with the catalog id and
 * marks the discovered tool registered; `register <name>` pre-fills too; `transfer` and `edit`
 * with who may, replays and hostile text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, auditEvents } from '../../db/schema';
import { discoveredTools } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { minimalAnswers } from '../fixtures/answers';
import { HOSTILE, slackHazards } from '../helpers/hostile-text';
import { blockAction } from '../helpers/slack-requests';
import { command, completeForm, lastOpenedView, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
type Input = { type: string; block_id: string; element: { initial_value?: string; initial_option?: { value: string }; initial_options?: Array<{ value: string }>; initial_user?: string } };

/** The initial values a modal shows, by block id. */
function initialValues(view: View): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const b of view.blocks as Input[]) {
    if (b.type !== 'input') continue;
    const e = b.element;
    out[b.block_id] = e.initial_value ?? e.initial_option?.value ?? e.initial_options?.map((o) => o.value) ?? e.initial_user;
  }
  return out;
}

describe('Slack: the AI tool catalog, transfer and edit', () => {
  let s: SlackTestServer;
  let ws = 0;
  const lastAnswer = () => s.fake.callsOf('response_url').at(-1)!.params as { text: string; blocks: unknown[] };
  const click = async (user: string, value: string) => {
    const res = await s.send(blockAction({ actionId: 'discovery.register', value, user, channel: `D${user}`, messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/click-${user}` }));
    expect(res.status).toBe(200);
    await s.settle();
  };

  beforeAll(async () => {
    s = await startSlackServer();
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    ws = ctx.workspace.id;
    const now = s.clock.now();
    await s.deps.db.insert(discoveredTools).values({ workspaceId: ws, toolKey: 'chatgpt', catalogId: 'chatgpt', name: 'ChatGPT', firstSource: 'survey', firstReportedById: ctx.actor.id, firstSeenAt: now, lastSeenAt: now });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('check chatgpt offers to register it with the discovery.register button', async () => {
    expect(await command(s, USERS.alice.id, 'check chatgpt')).toBe(200);
    const answer = lastAnswer();
    expect(answer.text).toContain('ChatGPT (OpenAI) is not registered yet — register it?');
    const button = (answer.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'discovery.register');
    expect(JSON.parse(button!.value)).toEqual({ tool: 'chatgpt' });
  });

  it('the button opens the registration pre-filled; submitting registers with the catalog id and marks the discovered tool', async () => {
    s.fake.reset();
    await click(USERS.alice.id, '{"tool":"chatgpt"}');
    const first = lastOpenedView(s);
    expect(first.callback_id).toBe('aims.form');
    expect(initialValues(first)).toMatchObject({ name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com', owner: USERS.alice.id });
    expect(JSON.stringify(first.blocks)).toContain('Filled in from the AI tool catalog');
    // Page 1 confirmed (purpose and department added); page 2 shows the catalog's answers.
    const page2 = await submit(s, USERS.alice.id, first, { ...initialValues(first), purpose: 'Drafting', department: 'Ops', usage_status: 'in_use' });
    expect(page2.response_action).toBe('update');
    const view2 = page2.view as View;
    expect(initialValues(view2)).toMatchObject({ technique: 'machine_learning', ai_capabilities: ['generates_content', 'conversational_agent'] });
    const done = await completeForm(s, USERS.alice.id, view2, minimalAnswers);
    expect(JSON.stringify(done.last)).toContain('Registered AI-1');
    const [row] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.workspaceId, ws));
    expect(row).toMatchObject({ name: 'ChatGPT', catalogId: 'chatgpt' });
    const [event] = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.registered'));
    expect((event!.data as { catalog: unknown }).catalog).toMatchObject({ id: 'chatgpt', version: flows.catalog().version, prefilled: true, answersKept: ['technique', 'ai_capabilities'] });
    const [found] = await s.deps.db.select().from(discoveredTools).where(eq(discoveredTools.workspaceId, ws));
    expect(found!.registeredSystemId).toBe(row!.id);
    // Clicking again opens a form, but registering the same tool again is refused as a duplicate.
    await click(USERS.alice.id, '{"tool":"chatgpt"}');
    const again = await submit(s, USERS.alice.id, lastOpenedView(s), { ...initialValues(lastOpenedView(s)), purpose: 'x', usage_status: 'in_use' });
    expect(JSON.stringify(again.errors)).toContain('Already registered as AI-1');
    expect(await s.deps.db.select().from(aiSystems)).toHaveLength(1);
  });

  it('check finds the registered tool; a forged or unknown button value changes nothing', async () => {
    await command(s, USERS.bob.id, 'check ChatGPT Plus');
    expect(lastAnswer().text).toContain('AI-1');
    await command(s, USERS.bob.id, 'check <https://chatgpt.com/c/1|chatgpt.com/c/1>');
    expect(lastAnswer().text).toContain('AI-1');
    await command(s, USERS.bob.id, 'check https://www.otter.ai');
    expect(lastAnswer().text).toContain('Otter.ai (Otter.ai) is not registered yet');
    s.fake.reset();
    for (const v of ['{"tool":"no-such"}', 'not json', `{"name":"${'x'.repeat(300)}"}`]) await click(USERS.bob.id, v);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(JSON.stringify(s.fake.callsOf('chat.postEphemeral'))).toContain('not valid any more');
  });

  it('register <name> pre-fills a name that is not in the catalog, escaped', async () => {
    s.fake.reset();
    await command(s, USERS.bob.id, 'register Foo AI');
    expect(initialValues(lastOpenedView(s))).toMatchObject({ name: 'Foo AI', owner: USERS.bob.id });
    await command(s, USERS.bob.id, 'register Otter Business');
    expect(initialValues(lastOpenedView(s))).toMatchObject({ name: 'Otter.ai', vendor: 'Otter.ai' });
    await click(USERS.bob.id, JSON.stringify({ name: HOSTILE.slice(0, 60) }));
    const v = lastOpenedView(s);
    expect(slackHazards({ blocks: v.blocks }, /^$/)).toEqual([]);
  });

  it('transfer: refused for others, done by the owner with a mention, the new owner told; bad person is explained', async () => {
    await command(s, USERS.mallory.id, `transfer AI-1 <@${USERS.mallory.id}>`);
    expect(lastAnswer().text).toMatch(/Only the owner of AI-1 .* or a member of compliance can transfer it/);
    await command(s, USERS.alice.id, 'transfer AI-1 somebody');
    expect(lastAnswer().text).toContain('I could not tell who');
    await command(s, USERS.alice.id, 'transfer AI-1');
    expect(lastAnswer().text).toContain('Usage: /aims transfer');
    s.fake.reset();
    await command(s, USERS.alice.id, `transfer AI-1 <@${USERS.bob.id}|bob>`);
    expect(lastAnswer().text).toContain('now belongs to Bob');
    const dm = s.fake.callsOf('chat.postMessage').filter((c) => [USERS.bob.id, `D${USERS.bob.id}`].includes(String(c.params.channel)));
    expect(JSON.stringify(dm)).toContain('made you the owner of AI-1');
    const events = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.owner_transferred'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ ref: 'AI-1', from: `slack:${USERS.alice.id}`, to: `slack:${USERS.bob.id}` });
    // Compliance by e-mail address.
    await command(s, USERS.carol.id, `transfer AI-1 ${USERS.alice.email}`);
    expect(lastAnswer().text).toContain('now belongs to Alice');
  });

  it('edit: the owner changes details in a modal, audited old → new; strangers are refused; hostile text is inert', async () => {
    s.fake.reset();
    await command(s, USERS.mallory.id, 'edit AI-1');
    expect(lastAnswer().text).toContain('Only the owner of AI-1');
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    await command(s, USERS.alice.id, 'edit AI-1');
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('system.edit');
    expect(initialValues(view)).toMatchObject({ name: 'ChatGPT', vendor: 'OpenAI', purpose: 'Drafting' });
    const bad = await submit(s, USERS.alice.id, view, { ...initialValues(view), url: 'ftp://x' });
    expect(bad.response_action).toBe('errors');
    expect(Object.keys(bad.errors as object)).toEqual(['url']);
    const ok = await submit(s, USERS.alice.id, view, { ...initialValues(view), name: 'ChatGPT Enterprise', purpose: HOSTILE, department: '' });
    expect(ok).toEqual({});
    const told = s.fake.callsOf('chat.postMessage').at(-1)!.params;
    expect(String(told.text)).toContain('Saved AI-1');
    const [ev] = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.edited'));
    expect((ev!.data as { changes: Record<string, unknown> }).changes).toMatchObject({ name: { from: 'ChatGPT', to: 'ChatGPT Enterprise' }, department: { from: 'Ops', to: '' } });
    await command(s, USERS.alice.id, 'show AI-1');
    expect(slackHazards(lastAnswer(), /^<@U0[A-Z0-9]+>$/)).toEqual([]);
  });
});
