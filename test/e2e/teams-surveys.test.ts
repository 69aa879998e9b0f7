/**
 * Campaigns through botbuilder against the fake Bot Connector: `survey` (compliance) asks every
 * person of the installed team's roster and the personal chats once each, also when the job runs
 * again; the answer card (`survey.answer` with `tools` and `other_tools`) refuses a contradictory
 * answer on the card and answers an unregistered catalog tool with a `discovery.register` button;
 * the digest shows the response rate; the AI policy is acknowledged once (a stale version is
 * refused) and `export literacy` shows it. Hostile text stays inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import { policyAcks, surveyRecipients } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { cardHazards } from '../helpers/hostile-text';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const DIGEST = '19:digest@thread.tacv2';
let bench: TeamsBench;
let deps: flows.FlowDeps;

beforeAll(async () => {
  bench = await startTeamsBench(
    'pglite',
    teamsPolicy({
      channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } },
      aiPolicy: { version: 2, url: 'https://wiki.example/ai-policy', summary: 'Use [approved](https://evil.example) tools **only**.' },
    }),
  );
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.compliance]) await bench.installPersonal(u);
  deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
});
afterAll(async () => bench?.close());

const personal = (aad: string) => `a:personal-${aad}`;
const cardsTo = (aad: string) => bench.fake.sent(personal(aad)).map((c) => cardOf(c.body));

describe('Teams survey campaigns', () => {
  let ref = '';

  it('asks everyone in the roster and the personal chats once each, also when the job runs again', async () => {
    expect(cardText(await bench.say(people.alice, 'survey'))).toContain('Only compliance can start');
    const started = cardText(await bench.say(people.compliance, 'survey ai-use'));
    ref = /S-\d{4}-Q\d(?:-\d+)?/.exec(started)?.[0] ?? '';
    expect(ref).not.toBe('');
    await bench.drain();
    expect((await flows.runAiUseSurvey(deps, bench.clock.now())).enqueued).toBe(0);
    await bench.drain();
    const recipients = await bench.db.db.select().from(surveyRecipients);
    expect(recipients).toHaveLength(Object.keys(people).length);
    const asks = await bench.db.db.select().from(notifications).where(eq(notifications.kind, 'survey.ask'));
    expect(asks).toHaveLength(Object.keys(people).length);
    expect(asks.every((a) => a.status === 'sent')).toBe(true);
    const alices = cardsTo(people.alice.aad).filter((c) => buttons(c).some((b) => b.data.action === 'survey.answer'));
    expect(alices).toHaveLength(1);
    expect(inputs(alices[0]!).map((i) => i.id)).toEqual(['tools', 'other_tools']);
  });

  it('refuses a contradictory answer on the card and offers discovery.register for an unregistered tool', async () => {
    const bad = await bench.execute(people.alice, { action: 'survey.answer', survey: ref, tools: 'none,chatgpt', other_tools: '' });
    expect(cardText(bad)).toContain('either "none" or the tools');
    const ok = await bench.execute(people.alice, { action: 'survey.answer', survey: ref, tools: 'github-copilot', other_tools: 'Foo [x](https://evil.example) **AI**' });
    expect(cardText(ok)).toContain('is recorded');
    const register = buttons(ok).filter((b) => b.data.action === 'discovery.register');
    expect(register.map((b) => b.data.tool ?? b.data.name)).toEqual(['github-copilot', 'Foo [x](https://evil.example) **AI**']);
    expect(cardHazards(ok)).toEqual([]);
    expect(cardText(await bench.execute(people.mallory, { action: 'survey.answer', survey: 'S-2019-Q1', tools: 'none' }))).toContain('There is no AI-use survey');
  });

  it('the digest shows the response rate', async () => {
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    const digest = bench.fake.sent(DIGEST).map((c) => JSON.stringify(c.body)).join('\n');
    expect(digest).toContain(`AI-use survey ${ref}: 1 of ${Object.keys(people).length} answered`);
  });

  it('acknowledges the current policy version once, refuses a stale one, and export literacy shows it', async () => {
    const card = await bench.say(people.bob, 'policy');
    expect(buttons(card).map((b) => b.data.action)).toContain('policy.acknowledge');
    expect(cardHazards(card)).toEqual([]);
    const asked = (c: Record<string, unknown>) => buttons(c).some((b) => b.data.action === 'policy.acknowledge' && b.data.version === '2');
    const before = cardsTo(people.bob.aad).filter(asked).length;
    expect((await flows.runPolicyAck(deps, bench.clock.now())).enqueued).toBe(1);
    await bench.drain();
    await bench.drain();
    expect(cardsTo(people.bob.aad).filter(asked)).toHaveLength(before + 1);
    expect(cardText(await bench.execute(people.bob, { action: 'policy.acknowledge', version: '1' }))).toContain('replaced by version 2');
    const answers = await Promise.all([1, 2, 3].map(() => bench.execute(people.bob, { action: 'policy.acknowledge', version: '2' })));
    expect(answers.map(cardText).filter((t) => t.includes('is recorded'))).toHaveLength(1);
    expect(await bench.db.db.select().from(policyAcks)).toHaveLength(1);
    // Literacy: the button asks for evidence on a card; empty evidence is refused there.
    const form = await bench.execute(people.bob, { action: 'literacy.attest', survey: 'policy' });
    expect(inputs(form).map((i) => i.id)).toEqual(['evidence']);
    const submit = buttons(form).find((b) => b.data.action === 'literacy.attest')!;
    expect(cardText(await bench.execute(people.bob, { ...submit.data, evidence: '' }))).toContain('Give evidence of the training');
    expect(cardText(await bench.execute(people.bob, { ...submit.data, evidence: 'https://lms.example/cert/9' }))).toContain('is recorded');
    expect(cardText(await bench.say(people.bob, 'export literacy'))).toContain('Only compliance can export');
    const exported = cardText(await bench.say(people.compliance, 'export literacy csv'));
    expect(exported).toContain(`teams:${people.bob.aad}`);
    expect(exported).toMatch(/,2,\d{4}-[^,]+,true,\d{4}-[^,]+,https:\/\/lms\.example\/cert\/9/);
  });
});
