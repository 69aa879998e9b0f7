/**
 * The hidden AI found and registered, as one story on Slack (real Bolt, signed requests, the fake
 * Web API): a survey campaign reaches three people once each; one names ChatGPT and registers it
 * with one click on the answer's `discovery.register` button (fields pre-filled from the catalog);
 * the digest lists the tool until then, and no longer after; a channel message linking a catalog
 * domain gets one ephemeral nudge, a second none, and none with listening off; the same person
 * naming the same tool in the survey and in a channel counts once; a new AI policy version is
 * acknowledged and `export literacy` shows it.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, notifications } from '../../db/schema';
import { discoveredTools, policyAcks } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { parsePolicy } from '../../flows';
import { minimalAnswers } from '../fixtures/answers';
import type { SlackCall } from '../helpers/fake-slack-api';
import { blockAction, eventCallback } from '../helpers/slack-requests';
import { command, completeForm, lastOpenedView, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
type Input = { type: string; block_id: string; element: { initial_value?: string; initial_option?: { value: string }; initial_options?: Array<{ value: string }>; initial_user?: string } };

const PEOPLE = {
  ann: { id: 'U0ANN', name: 'Ann', email: 'ann@acme.example' },
  ben: { id: 'U0BEN', name: 'Ben', email: 'ben@acme.example' },
  carol: { id: 'U0COMP', name: 'Carol Compliance', email: 'carol@acme.example' },
};
const policyOf = (version: number, listen: boolean) => ({
  organization: { name: 'Acme' },
  groups: { compliance: ['slack:U0COMP'] },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
  aiPolicy: { version, url: 'https://wiki.example/ai-policy', summary: `Version ${version}: approved tools only.` },
  discovery: { listen },
});

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

let seq = 0;
/** A channel message event as the Events API sends it. */
function channelMessage(user: string, text: string) {
  seq += 1;
  const ts = `17100${String(seq).padStart(5, '0')}.000100`;
  return eventCallback({
    eventId: `Ev0CHAIN${seq}`,
    event: { type: 'message', channel: 'C0GENERAL', user, text, ts, event_ts: ts, channel_type: 'channel', team: 'T0TEAM' },
  });
}

const registerButton = (c: SlackCall | undefined) => {
  type Element = { action_id?: string; value?: string };
  const blocks = (c?.params.blocks ?? []) as Array<{ elements?: Element[]; accessory?: Element }>;
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]).find((e) => e.action_id === 'discovery.register');
};

describe('Slack: from the AI-use survey to a registered tool, the digest, channel nudges and the AI policy', { timeout: 60_000 }, () => {
  let s: SlackTestServer;
  let ref = '';
  let registerValue = '';

  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres', policy: policyOf(1, true), users: Object.values(PEOPLE) });
  });
  afterAll(async () => {
    await s?.close();
  });

  const dmsTo = (user: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === user || c.params.channel === `D${user}`);
  const nudgesTo = (user: string) => s.fake.callsOf('chat.postEphemeral').filter((c) => c.params.user === user);
  const digests = () => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0DIGEST');
  const click = (actionId: string, value: string, user: string) =>
    s.send(blockAction({ actionId, value, user, channel: `D${user}`, messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/chain-${user}` }));
  const chatgpt = async () => (await s.deps.db.select().from(discoveredTools).where(eq(discoveredTools.toolKey, 'chatgpt')))[0];

  it('a survey campaign reaches the three people once each, also when the job runs twice', async () => {
    expect(await command(s, PEOPLE.carol.id, 'survey')).toBe(200);
    await s.settle();
    ref = /S-\d{4}-Q\d(?:-\d+)?/.exec(JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params ?? {}))?.[0] ?? '';
    expect(ref).not.toBe('');
    expect((await flows.runAiUseSurvey(s.deps, s.clock.now())).enqueued).toBe(0);
    expect((await flows.runAiUseSurvey(s.deps, s.clock.now())).enqueued).toBe(0);
    await s.settle();
    for (const p of Object.values(PEOPLE)) {
      const asks = dmsTo(p.id).filter((c) => JSON.stringify(c.params).includes('"action_id":"survey.answer"'));
      expect(asks, p.name).toHaveLength(1);
    }
    expect(await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'survey.ask'))).toHaveLength(3);
  });

  it('an answer naming ChatGPT gets the discovery.register button', async () => {
    expect((await click('survey.answer', ref, PEOPLE.ann.id)).status).toBe(200);
    await s.settle();
    const before = dmsTo(PEOPLE.ann.id).length;
    expect(await submit(s, PEOPLE.ann.id, lastOpenedView(s), { tools: ['chatgpt'] })).toEqual({});
    await s.settle();
    const replies = dmsTo(PEOPLE.ann.id).slice(before);
    expect(replies).toHaveLength(1);
    const button = registerButton(replies[0]);
    expect(button).toBeDefined();
    registerValue = button!.value!;
    expect(JSON.parse(registerValue)).toEqual({ tool: 'chatgpt' });
    expect(await chatgpt()).toMatchObject({ catalogId: 'chatgpt', firstSource: 'survey', reporters: 1, registeredSystemId: null });
  });

  it('the digest shows the response rate and ChatGPT as unregistered', async () => {
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(digests()).toHaveLength(1);
    const text = JSON.stringify(digests()[0]!.params);
    expect(text).toContain(`AI-use survey ${ref}: 1 of 3 answered (33%)`);
    expect(text).toContain('Unregistered AI tools found (1)');
    expect(text).toMatch(/ChatGPT — 1 person, first seen/);
  });

  it('a channel message linking chatgpt.com gets one ephemeral nudge, a second none; the survey respondent counts once', async () => {
    s.fake.reset();
    await s.send(channelMessage(PEOPLE.ann.id, 'drafted with <https://chatgpt.com/c/42|chatgpt.com/c/42>'));
    await s.settle();
    expect(nudgesTo(PEOPLE.ann.id)).toHaveLength(1);
    expect(JSON.parse(registerButton(nudgesTo(PEOPLE.ann.id)[0])!.value!)).toEqual({ tool: 'chatgpt' });
    // Ann named ChatGPT in the survey already: still one person.
    expect((await chatgpt())!.reporters).toBe(1);
    s.clock.advance(3 * 86_400_000);
    await s.send(channelMessage(PEOPLE.ann.id, 'and again https://chat.openai.com'));
    await s.settle();
    expect(nudgesTo(PEOPLE.ann.id)).toHaveLength(1);
    // Ben first names it in a channel, then in his survey answer: one more person, not two.
    await s.send(channelMessage(PEOPLE.ben.id, 'see chatgpt.com'));
    await s.settle();
    expect(nudgesTo(PEOPLE.ben.id)).toHaveLength(1);
    expect((await chatgpt())!.reporters).toBe(2);
    // The nudge's button (on an ephemeral message) opens the same pre-filled registration.
    const nudgeValue = registerButton(nudgesTo(PEOPLE.ben.id)[0])!.value!;
    const res = await s.send(
      blockAction({ actionId: 'discovery.register', value: nudgeValue, user: PEOPLE.ben.id, channel: 'C0GENERAL', messageTs: '1710000000.000100', responseUrl: `${s.fake.responseBase}/nudge-ben`, ephemeral: true }),
    );
    expect(res.status).toBe(200);
    await s.settle();
    expect(initialValues(lastOpenedView(s))).toMatchObject({ name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com', owner: PEOPLE.ben.id });
    await click('survey.answer', ref, PEOPLE.ben.id);
    await s.settle();
    expect(await submit(s, PEOPLE.ben.id, lastOpenedView(s), { tools: ['chatgpt'] })).toEqual({});
    await s.settle();
    expect((await chatgpt())!.reporters).toBe(2);
  });

  it('inventory unregistered lists ChatGPT once, named by two people', async () => {
    expect(await command(s, PEOPLE.carol.id, 'inventory unregistered')).toBe(200);
    const shown = JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params ?? {});
    expect(shown).toContain('ChatGPT (OpenAI) — 2 people');
    expect(shown.split('ChatGPT').length - 1).toBe(1);
  });

  it('with listening off, a channel message gets nothing', async () => {
    (s.deps as { policy: flows.Policy }).policy = parsePolicy(policyOf(1, false));
    s.fake.reset();
    await s.send(channelMessage(PEOPLE.carol.id, 'chatgpt.com please'));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
    (s.deps as { policy: flows.Policy }).policy = parsePolicy(policyOf(1, true));
  });

  it('the survey answer button opens the registration pre-filled; submitting registers ChatGPT with its catalog id', async () => {
    s.fake.reset();
    expect((await click('discovery.register', registerValue, PEOPLE.ann.id)).status).toBe(200);
    await s.settle();
    const first = lastOpenedView(s);
    expect(first.callback_id).toBe('aims.form');
    expect(initialValues(first)).toMatchObject({ name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com', owner: PEOPLE.ann.id });
    const page2 = await submit(s, PEOPLE.ann.id, first, { ...initialValues(first), purpose: 'Drafting', department: 'Ops', usage_status: 'in_use' });
    expect(page2.response_action).toBe('update');
    const view2 = page2.view as View;
    expect(initialValues(view2)).toMatchObject({ technique: 'machine_learning', ai_capabilities: ['generates_content', 'conversational_agent'] });
    const done = await completeForm(s, PEOPLE.ann.id, view2, minimalAnswers);
    expect(JSON.stringify(done.last)).toContain('Registered AI-1');
    const [row] = await s.deps.db.select().from(aiSystems);
    expect(row).toMatchObject({ name: 'ChatGPT', catalogId: 'chatgpt' });
    expect((await chatgpt())!.registeredSystemId).toBe(row!.id);
  });

  it('after the registration the digest no longer lists ChatGPT, and a channel message about it gets no nudge', async () => {
    s.fake.reset();
    s.clock.advance(86_400_000);
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(digests()).toHaveLength(1);
    const text = JSON.stringify(digests()[0]!.params);
    expect(text).toContain(`AI-use survey ${ref}: 2 of 3 answered`);
    expect(text).not.toContain('Unregistered AI tools');
    expect(text).not.toMatch(/ChatGPT — \d+ (person|people)/);
    expect(text).toContain('of them 0 not registered');
    await s.send(channelMessage(PEOPLE.carol.id, 'https://chatgpt.com is registered now'));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
    // A survey answer naming it now gets no register button.
    await click('survey.answer', ref, PEOPLE.carol.id);
    await s.settle();
    const before = dmsTo(PEOPLE.carol.id).length;
    expect(await submit(s, PEOPLE.carol.id, lastOpenedView(s), { tools: ['chatgpt'] })).toEqual({});
    await s.settle();
    const replies = dmsTo(PEOPLE.carol.id).slice(before);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.params.text)).toContain('is recorded');
    expect(registerButton(replies[0])).toBeUndefined();
  });

  it('a new AI policy version is acknowledged and export literacy shows it', async () => {
    (s.deps as { policy: flows.Policy }).policy = parsePolicy(policyOf(2, true));
    expect((await flows.runPolicyAck(s.deps, s.clock.now())).enqueued).toBe(1);
    await s.settle();
    await s.settle();
    for (const p of Object.values(PEOPLE)) {
      const asks = dmsTo(p.id).filter((c) => JSON.stringify(c.params).includes('"action_id":"policy.acknowledge"'));
      expect(asks, p.name).toHaveLength(1);
      expect(JSON.stringify(asks[0]!.params)).toContain('"value":"2"');
    }
    expect((await click('policy.acknowledge', '2', PEOPLE.ben.id)).status).toBe(200);
    await s.settle();
    const acks = await s.deps.db.select().from(policyAcks);
    expect(acks.map((a) => a.version)).toEqual([2]);
    expect(await command(s, PEOPLE.carol.id, 'export literacy csv')).toBe(200);
    const csv = s.fake.files.at(-1)!.bytes!.toString('utf8');
    expect(csv).toMatch(/slack:U0BEN,Ben,ben@acme\.example,2,\d{4}-/);
    expect(csv).not.toMatch(/slack:U0ANN,Ann,ann@acme\.example,2,/);
    // The CLI export says the same.
    const cli = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', 'literacy', '--format', 'csv'], {
      env: { ...process.env, DATABASE_URL: s.database.url!, LOG_LEVEL: 'silent', AIMS_POLICY: '' },
      encoding: 'utf8',
    });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/slack:U0BEN,Ben,ben@acme\.example,2,\d{4}-/);
    // The digest's coverage counts the new version.
    s.fake.reset();
    s.clock.advance(86_400_000);
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(JSON.stringify(digests()[0]!.params)).toContain('AI policy v2 acknowledged: 1 of 3 (33%)');
  });
});
