/**
 * Campaigns through real Bolt with signed requests against the fake Slack Web API: `/aims survey`
 * reaches the three people of `users.list` once each (a bot, Slackbot and a deactivated user are
 * left out), also when the job runs again; an answer naming an unregistered catalog tool gets a
 * `discovery.register` button; the digest shows the response rate; a new AI policy version is
 * asked, a stale button is refused, the acknowledgement is recorded once and `export literacy`
 * shows it. Hostile text stays inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { discoveredTools, policyAcks } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { parsePolicy } from '../../flows';
import { blockAction } from '../helpers/slack-requests';
import { command, lastOpenedView, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer } from '../helpers/slack-server';

const PEOPLE = {
  ann: { id: 'U0ANN', name: 'Ann', email: 'ann@acme.example' },
  ben: { id: 'U0BEN', name: 'Ben', email: 'ben@acme.example' },
  carol: { id: 'U0COMP', name: 'Carol Compliance', email: 'carol@acme.example' },
};
const FILTERED = [
  { id: 'U0BOT', name: 'Deploy bot', isBot: true },
  { id: 'USLACKBOT', name: 'Slackbot' },
  { id: 'U0GONE', name: 'Gone', deleted: true },
];
const policyOf = (version: number) => ({
  organization: { name: 'Acme' },
  groups: { compliance: ['slack:U0COMP'] },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
  aiPolicy: { version, url: 'https://wiki.example/ai-policy?v=1&x=2', summary: `Version ${version}: use approved tools. <!channel> *not bold*` },
});

describe('Slack: survey campaigns, the AI policy and literacy', () => {
  let s: SlackTestServer;
  let ref = '';
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres', policy: policyOf(1), users: [PEOPLE.ann, FILTERED[0]!, PEOPLE.ben, FILTERED[1]!, PEOPLE.carol, FILTERED[2]!] });
  });
  afterAll(async () => {
    await s?.close();
  });

  const lastReply = () => JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params ?? {});
  const dmsTo = (user: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === user || c.params.channel === `D${user}`);
  const click = (actionId: string, value: string, user: string) =>
    s.send(blockAction({ actionId, value, user, channel: `D${user}`, messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/survey-${user}` }));

  it('a campaign reaches the three people of users.list once each, also when the job runs again', async () => {
    expect(await command(s, PEOPLE.ann.id, 'survey')).toBe(200);
    expect(lastReply()).toContain('Only compliance can start a survey campaign');
    expect(await command(s, PEOPLE.carol.id, 'survey')).toBe(200);
    await s.settle();
    const reply = lastReply();
    ref = /S-\d{4}-Q\d(?:-\d+)?/.exec(reply)?.[0] ?? '';
    expect(ref).not.toBe('');
    expect(s.fake.callsOf('users.list').length).toBeGreaterThan(0);
    // The job in the same slot finds the campaign and starts none; the outbox dedupes anyway.
    expect((await flows.runAiUseSurvey(s.deps, s.clock.now())).enqueued).toBe(0);
    await s.settle();
    for (const p of Object.values(PEOPLE)) {
      const dms = dmsTo(p.id);
      expect(dms, p.name).toHaveLength(1);
      expect(JSON.stringify(dms[0]!.params)).toContain('"action_id":"survey.answer"');
    }
    for (const f of FILTERED) expect(dmsTo(f.id)).toHaveLength(0);
    expect(s.fake.callsOf('conversations.open')).toHaveLength(0);
    const asks = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'survey.ask'));
    expect(asks).toHaveLength(3);
    expect(asks.every((a) => a.status === 'sent')).toBe(true);
  });

  it('an answer naming an unregistered catalog tool gets a discovery.register button; bad answers are refused in the form', async () => {
    expect((await click('survey.answer', ref, PEOPLE.ann.id)).status).toBe(200);
    await s.settle();
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('survey.answer');
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('"action_id":"tools"');
    expect(blocks).toContain('"action_id":"other_tools"');
    expect(blocks).toContain('"value":"github-copilot"');
    const bad = await submit(s, PEOPLE.ann.id, view, { tools: ['none', 'chatgpt'] });
    expect(bad).toMatchObject({ response_action: 'errors', errors: { tools: expect.stringContaining('none') } });
    const before = dmsTo(PEOPLE.ann.id).length;
    const ok = await submit(s, PEOPLE.ann.id, view, { tools: ['github-copilot'], other_tools: '<!channel> *Foo* \u202Egpt' });
    expect(ok).toEqual({});
    const replies = dmsTo(PEOPLE.ann.id).slice(before);
    expect(replies).toHaveLength(1);
    const text = JSON.stringify(replies[0]!.params);
    const shownText = JSON.stringify((replies[0]!.params.blocks as Array<{ text?: unknown }>).map((b) => b.text));
    expect(text).toContain('"action_id":"discovery.register"');
    expect(text).toContain(JSON.stringify(JSON.stringify({ tool: 'github-copilot' })).slice(1, -1));
    expect(shownText).not.toContain('<!channel>');
    expect(shownText).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('\u202E');
    const found = await s.deps.db.select().from(discoveredTools);
    expect(found.map((t) => t.toolKey).sort()).toEqual(['github-copilot', 'name:channelfoogpt']);
  });

  it('the digest shows the response rate of the campaign', async () => {
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    const digest = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0DIGEST');
    expect(digest).toHaveLength(1);
    expect(JSON.stringify(digest[0]!.params)).toContain(`AI-use survey ${ref}: 1 of 3 answered (33%)`);
  });

  it('a new policy version is asked of everyone, a stale button is refused, and export literacy shows the acknowledgement', async () => {
    expect(await command(s, PEOPLE.ben.id, 'policy')).toBe(200);
    const shown = lastReply();
    expect(shown).toContain('"action_id":"policy.acknowledge"');
    expect(shown).toContain('&lt;!channel&gt;');
    (s.deps as { policy: flows.Policy }).policy = parsePolicy(policyOf(2));
    expect((await flows.runPolicyAck(s.deps, s.clock.now())).enqueued).toBe(1);
    expect((await flows.runPolicyAck(s.deps, s.clock.now())).enqueued).toBe(0);
    // The first pass enrols the audience (survey.start), the second delivers the questions it wrote.
    await s.settle();
    await s.settle();
    const asks = dmsTo(PEOPLE.ben.id).filter((c) => JSON.stringify(c.params).includes('"action_id":"policy.acknowledge"'));
    expect(asks).toHaveLength(1);
    expect(JSON.stringify(asks[0]!.params)).toContain('"value":"2"');
    s.fake.reset();
    expect((await click('policy.acknowledge', '1', PEOPLE.ben.id)).status).toBe(200);
    await s.settle();
    expect(JSON.stringify(s.fake.callsOf('chat.postEphemeral').at(-1)?.params)).toContain('replaced by version 2');
    await click('policy.acknowledge', '2', PEOPLE.ben.id);
    await click('policy.acknowledge', '2', PEOPLE.ben.id);
    await s.settle();
    const notes = s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));
    expect(notes.filter((t) => t.includes('is recorded'))).toHaveLength(1);
    expect(notes.filter((t) => t.includes('already acknowledged'))).toHaveLength(1);
    expect(await s.deps.db.select().from(policyAcks)).toHaveLength(1);
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'policy.acknowledged'))).toHaveLength(1);

    // Literacy: the button on the policy reply opens the evidence form; evidence is required.
    expect((await click('literacy.attest', 'policy', PEOPLE.ben.id)).status).toBe(200);
    await s.settle();
    const form = lastOpenedView(s);
    expect(form.callback_id).toBe('literacy.attest');
    expect(await submit(s, PEOPLE.ben.id, form, { evidence: '' })).toMatchObject({ response_action: 'errors', errors: { evidence: expect.stringContaining('Give evidence') } });
    expect(await submit(s, PEOPLE.ben.id, form, { evidence: 'https://lms.example/cert/7' })).toEqual({});
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'literacy.attested'))).toHaveLength(1);

    expect(await command(s, PEOPLE.ben.id, 'export literacy csv')).toBe(200);
    expect(lastReply()).toContain('Only compliance can export');
    expect(await command(s, PEOPLE.carol.id, 'export literacy csv')).toBe(200);
    expect(lastReply()).toMatch(/Sent literacy\.csv \(\d+ people\)/);
    const file = s.fake.files.at(-1)!;
    const csv = file.bytes!.toString('utf8');
    expect(csv).toContain('policy_version');
    expect(csv).toMatch(/slack:U0BEN,Ben,ben@acme\.example,2,\d{4}-[^,]+,true,\d{4}-[^,]+,https:\/\/lms\.example\/cert\/7/);
  });
});
