/**
 * The hidden AI found and registered, as one story on Teams (real botbuilder against the fake Bot
 * Connector): a survey campaign reaches the three people of the personal chats once each; one
 * names ChatGPT and registers it from the answer card's `discovery.register` action (fields
 * pre-filled from the catalog); the digest lists the tool until then, and no longer after; an
 * overheard channel message linking a catalog domain gets one personal message, a second none,
 * and none with listening off; the same person naming the same tool in the survey and in a
 * channel counts once; a new AI policy version is acknowledged and `export literacy` shows it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, notifications } from '../../db/schema';
import { discoveredTools, policyAcks } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { minimalAnswers } from '../fixtures/answers';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench, teamsPolicy, TENANT } from '../helpers/teams-harness';

type Json = Record<string, unknown>;
const DIGEST = '19:digest@thread.tacv2';
const DAY = 86_400_000;
const TRIO = [people.alice, people.bob, people.compliance];

const policyOf = (version: number, listen: boolean) =>
  teamsPolicy({
    channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } },
    aiPolicy: { version, url: 'https://wiki.example/ai-policy', summary: `Version ${version}: approved tools only.` },
    discovery: { listen },
  });

/** A channel message as Teams sends it under ChannelMessage.Read.Group: HTML text, no mention. */
function channelMessage(b: TeamsBench, u: TeamsUser, html: string): Json {
  const id = randomUUID();
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl: b.fake.url,
    timestamp: b.clock.now().toISOString(),
    from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
    recipient: { id: '28:aimsbot', name: 'aimsbot' },
    conversation: { id: `19:general@thread.tacv2;messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: '19:general@thread.tacv2' }, team: { id: '19:team@thread.tacv2' } },
    text: html,
    textFormat: 'html',
  };
}

const valueOf = (card: Json, id: string) => inputs(card).find((i) => i.id === id)?.value;

describe('Teams: from the AI-use survey to a registered tool, the digest, channel nudges and the AI policy', () => {
  let bench: TeamsBench;
  let deps: flows.FlowDeps;
  let ref = '';
  let register: Json = {};

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', policyOf(1, true));
    for (const u of TRIO) await bench.installPersonal(u);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
  });
  afterAll(async () => bench?.close());

  /** Changes the policy the running bot reads. */
  const setPolicy = (p: flows.Policy) => Object.assign(bench.policy, p);
  const cardsTo = (u: TeamsUser) => bench.fake.sent(`a:personal-${u.aad}`).map((c) => cardOf(c.body));
  const nudgesTo = (u: TeamsUser) => cardsTo(u).filter((c) => buttons(c).some((b) => b.data.action === 'discovery.register') && cardText(c).includes('You mentioned'));
  const digests = () => bench.fake.sent(DIGEST).map((c) => JSON.stringify(c.body));
  const chatgpt = async () => (await bench.db.db.select().from(discoveredTools).where(eq(discoveredTools.toolKey, 'chatgpt')))[0];
  const overhear = async (u: TeamsUser, html: string) => {
    expect((await bench.post(channelMessage(bench, u, html))).status).toBe(200);
    await bench.drain();
  };

  it('a survey campaign reaches the three people once each, also when the job runs twice', async () => {
    const started = cardText(await bench.say(people.compliance, 'survey'));
    ref = /S-\d{4}-Q\d(?:-\d+)?/.exec(started)?.[0] ?? '';
    expect(ref).not.toBe('');
    await bench.drain();
    expect((await flows.runAiUseSurvey(deps, bench.clock.now())).enqueued).toBe(0);
    expect((await flows.runAiUseSurvey(deps, bench.clock.now())).enqueued).toBe(0);
    await bench.drain();
    for (const u of TRIO) {
      const asks = cardsTo(u).filter((c) => buttons(c).some((b) => b.data.action === 'survey.answer'));
      expect(asks, u.name).toHaveLength(1);
    }
    expect(await bench.db.db.select().from(notifications).where(eq(notifications.kind, 'survey.ask'))).toHaveLength(3);
  });

  it('an answer naming ChatGPT gets the discovery.register action', async () => {
    const ok = await bench.execute(people.alice, { action: 'survey.answer', survey: ref, tools: 'chatgpt', other_tools: '' });
    expect(cardText(ok)).toContain('is recorded');
    const button = buttons(ok).find((b) => b.data.action === 'discovery.register');
    expect(button?.data).toEqual({ action: 'discovery.register', tool: 'chatgpt' });
    register = button!.data;
    expect(await chatgpt()).toMatchObject({ catalogId: 'chatgpt', firstSource: 'survey', reporters: 1, registeredSystemId: null });
  });

  it('the digest shows the response rate and ChatGPT as unregistered', async () => {
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]).toContain(`AI-use survey ${ref}: 1 of 3 answered (33%)`);
    expect(digests()[0]).toContain('Unregistered AI tools found (1)');
    expect(digests()[0]).toMatch(/ChatGPT — 1 person, first seen/);
  });

  it('an overheard message linking chatgpt.com gets one personal message, a second none; the survey respondent counts once', async () => {
    const channelBefore = bench.fake.sent().filter((c) => (c.conversationId ?? '').startsWith('19:general')).length;
    await overhear(people.alice, '<p>drafted with <a href="https://chatgpt.com/c/42">this</a></p>');
    expect(nudgesTo(people.alice)).toHaveLength(1);
    expect((await chatgpt())!.reporters).toBe(1);
    bench.clock.advance(3 * DAY);
    await overhear(people.alice, 'and again https://chat.openai.com');
    expect(nudgesTo(people.alice)).toHaveLength(1);
    // Bob first names it in a channel, then in his survey answer: one more person, not two.
    await overhear(people.bob, 'see chatgpt.com');
    expect(nudgesTo(people.bob)).toHaveLength(1);
    expect((await chatgpt())!.reporters).toBe(2);
    // The nudge's action opens the same pre-filled registration.
    const fromNudge = await bench.execute(people.bob, buttons(nudgesTo(people.bob)[0]!).find((b) => b.data.action === 'discovery.register')!.data);
    expect([valueOf(fromNudge, 'name'), valueOf(fromNudge, 'vendor'), valueOf(fromNudge, 'url')]).toEqual(['ChatGPT', 'OpenAI', 'https://chatgpt.com']);
    expect(cardText(await bench.execute(people.bob, { action: 'survey.answer', survey: ref, tools: 'chatgpt', other_tools: '' }))).toContain('is recorded');
    expect((await chatgpt())!.reporters).toBe(2);
    expect(bench.fake.sent().filter((c) => (c.conversationId ?? '').startsWith('19:general'))).toHaveLength(channelBefore);
  });

  it('inventory unregistered lists ChatGPT once, named by two people', async () => {
    const shown = cardText(await bench.say(people.compliance, 'inventory unregistered'));
    expect(shown).toContain('ChatGPT (OpenAI) — 2 people');
    expect(shown.split('ChatGPT').length - 1).toBe(1);
  });

  it('with listening off, an overheard message gets nothing', async () => {
    setPolicy(policyOf(1, false));
    const before = bench.fake.calls.length;
    await overhear(people.compliance, 'chatgpt.com please');
    expect(bench.fake.calls.length).toBe(before);
    setPolicy(policyOf(1, true));
  });

  it('the answer card action opens the registration pre-filled; confirming registers ChatGPT with its catalog id', async () => {
    const first = await bench.execute(people.alice, register);
    expect(valueOf(first, 'name')).toBe('ChatGPT');
    expect(valueOf(first, 'vendor')).toBe('OpenAI');
    expect(valueOf(first, 'url')).toBe('https://chatgpt.com');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const page2 = await bench.execute(people.alice, { ...next.data, name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com', purpose: 'Drafting', owner: people.alice.aad, department: 'Ops', usage_status: 'in_use' });
    expect(valueOf(page2, 'technique')).toBe('machine_learning');
    expect(valueOf(page2, 'ai_capabilities')).toBe('generates_content,conversational_agent');
    const { technique: _t, ai_capabilities: _c, ...rest } = minimalAnswers;
    const done = await bench.fillForm(people.alice, page2, formValues({}, rest));
    expect(cardText(done)).toContain('Registered AI-1 ChatGPT');
    const [row] = await bench.db.db.select().from(aiSystems);
    expect(row).toMatchObject({ name: 'ChatGPT', catalogId: 'chatgpt' });
    expect((await chatgpt())!.registeredSystemId).toBe(row!.id);
  });

  it('after the registration the digest no longer lists ChatGPT, and an overheard message about it gets nothing', async () => {
    bench.clock.advance(DAY);
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    expect(digests()).toHaveLength(2);
    const text = digests()[1]!;
    expect(text).toContain(`AI-use survey ${ref}: 2 of 3 answered`);
    expect(text).not.toContain('Unregistered AI tools');
    expect(text).not.toMatch(/ChatGPT — \d+ (person|people)/);
    expect(text).toContain('of them 0 not registered');
    const before = bench.fake.calls.length;
    await overhear(people.compliance, 'https://chatgpt.com is registered now');
    expect(bench.fake.calls.length).toBe(before);
    // A survey answer naming it now gets no register action.
    const answered = await bench.execute(people.compliance, { action: 'survey.answer', survey: ref, tools: 'chatgpt', other_tools: '' });
    expect(cardText(answered)).toContain('is recorded');
    expect(buttons(answered).filter((b) => b.data.action === 'discovery.register')).toEqual([]);
  });

  it('a new AI policy version is acknowledged and export literacy shows it', async () => {
    setPolicy(policyOf(2, true));
    const asked = (c: Json) => buttons(c).some((b) => b.data.action === 'policy.acknowledge' && b.data.version === '2');
    expect((await flows.runPolicyAck(deps, bench.clock.now())).enqueued).toBe(1);
    await bench.drain();
    await bench.drain();
    for (const u of TRIO) expect(cardsTo(u).filter(asked), u.name).toHaveLength(1);
    expect(cardText(await bench.execute(people.bob, { action: 'policy.acknowledge', version: '2' }))).toContain('is recorded');
    expect((await bench.db.db.select().from(policyAcks)).map((a) => a.version)).toEqual([2]);
    const exported = cardText(await bench.say(people.compliance, 'export literacy csv'));
    expect(exported).toContain(`teams:${people.bob.aad}`);
    expect(exported).toMatch(new RegExp(`teams:${people.bob.aad},Bob,bob@acme\\.example,2,\\d{4}-`));
    // The digest's coverage counts the new version.
    bench.clock.advance(DAY);
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    expect(digests()).toHaveLength(3);
    expect(digests()[2]).toContain('AI policy v2 acknowledged: 1 of 3 (33%)');
  });
});
