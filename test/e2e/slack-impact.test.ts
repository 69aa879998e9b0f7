/**
 * Slack end to end (signed requests through Bolt, the fake Web API): `/aims impact` opens the
 * impact modal with triage answers pre-filled, refuses a stranger, reports field errors next to
 * their inputs and stores one assessment for repeated submissions; `show` says whether it is
 * missing; `/aims inventory` pages with a "Next page" button; the App Home of compliance shows
 * the dashboard (hostile text inert), everyone else's home stays as it was; a re-triage DMs the
 * owner an "Assess impact" button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import { impactAssessments, risks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { HOSTILE, HOSTILE_TEXT, slackHazards } from '../helpers/hostile-text';
import { blockAction, eventCallback, fillView, viewSubmission } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

type Input = { type: string; block_id: string; hint?: { text: string }; element: { initial_value?: string } };

describe('Slack: impact, inventory and the compliance home', () => {
  let s: SlackTestServer;
  let ws = 0;
  let systemId = 0;
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, organization: { name: 'Acme', publicSector: 'public_authority' } } });
    const seeded = await seedRequest(s, USERS.alice.id, { ...fieldsFor('CV <!channel> *x* [x](https://evil.example)', 'slack:U0ALICE') }, highAnswers);
    ws = seeded.workspaceId;
    systemId = seeded.system.id;
    const deciders = [USERS.alice.id, USERS.carol.id, USERS.dpo.id];
    for (const [i, step] of seeded.steps.entries()) await clickStep(s, deciders[i]!, 'approval.approve', step);
    const [sys] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, systemId));
    expect(sys!.status).toBe('approved');
  });
  afterAll(async () => s?.close());

  const lastAnswer = () => s.fake.callsOf('response_url').at(-1)!.params as { text: string; blocks: unknown[]; replace_original?: boolean };

  it('show says the impact assessment is missing; a stranger cannot open the form', async () => {
    await command(s, USERS.alice.id, 'show AI-1');
    expect(JSON.stringify(lastAnswer())).toContain('Impact assessment: missing');
    s.fake.reset();
    await command(s, USERS.mallory.id, 'impact AI-1');
    expect(lastAnswer().text).toContain('Only the owner of AI-1');
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
  });

  it('opens the modal pre-filled from triage, shows field errors, and stores one assessment', async () => {
    s.fake.reset();
    await command(s, USERS.alice.id, 'impact AI-1');
    const modal = lastOpenedView(s);
    expect(modal.callback_id).toBe('impact.submit');
    const inputs = (modal.blocks as Input[]).filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual(flows.impactQuestions(true).map((q) => q.id));
    const affected = inputs.find((b) => b.block_id === 'affected_groups')!;
    expect(affected.element.initial_value).toBe('Affected: job applicants.');
    expect(affected.hint!.text).toContain('Pre-filled from triage: affected_people');
    expect(slackHazards(modal, /^$/)).toEqual([]);
    const answers = Object.fromEntries(inputs.map((b) => [b.block_id, b.element.initial_value ?? `About ${b.block_id}.`]));
    const errors = await submit(s, USERS.alice.id, modal, { ...answers, fundamental_rights: '' });
    expect(errors).toEqual({ response_action: 'errors', errors: { fundamental_rights: expect.stringContaining('describe it') } });
    const full = { ...answers, fria_risks: HOSTILE_TEXT };
    expect(await submit(s, USERS.alice.id, modal, full)).toEqual({});
    expect(await submit(s, USERS.alice.id, modal, full)).toEqual({});
    let rows = await s.deps.db.select().from(impactAssessments).where(eq(impactAssessments.systemId, systemId));
    expect(rows.map((r) => [r.number, r.fria])).toEqual([[1, true]]);
    // Five concurrent submissions of changed answers (a double click and more): one new version.
    const changed = fillView(modal, { ...full, societal: 'Changed after the works council met.' });
    const sent = await Promise.all(
      Array.from({ length: 5 }, () => s.send(viewSubmission({ user: USERS.alice.id, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values: changed, blocks: modal.blocks }))),
    );
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await s.settle();
    rows = await s.deps.db.select().from(impactAssessments).where(eq(impactAssessments.systemId, systemId));
    expect(rows.map((r) => r.number).sort()).toEqual([1, 2]);
    const told = JSON.stringify(s.fake.callsOf('chat.postMessage').map((c) => c.params.text));
    expect(told).toContain('Impact assessment AI-1/IA-1 recorded, with the Art. 27 elements (FRIA).');
    expect(told).toContain('AI-1/IA-1 already has these answers');
    await command(s, USERS.alice.id, 'show AI-1');
    expect(JSON.stringify(lastAnswer())).toContain('Impact assessment: AI-1/IA-2, next due');
  });

  it('pages the inventory for compliance with a Next page button; refuses others', async () => {
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.bob.id}` });
    for (let i = 1; i <= 21; i++) await flows.register(ctx, { fields: fieldsFor(`Tool ${i}`, `slack:${USERS.bob.id}`), answers: minimalAnswers });
    await command(s, USERS.alice.id, 'inventory');
    expect(lastAnswer().text).toContain('Only compliance can see the whole inventory');
    await command(s, USERS.carol.id, 'inventory');
    const first = JSON.stringify(lastAnswer());
    expect(first).toContain('page 1 of 2');
    expect(first).toContain('"action_id":"inventory.page"');
    expect(first).toContain('"value":"page=2"');
    await s.send(blockAction({ actionId: 'inventory.page', value: 'page=2', user: USERS.carol.id, channel: 'C0GENERAL', messageTs: '7.1', ephemeral: true, responseUrl: `${s.fake.responseBase}/inv` }));
    await s.settle();
    const second = lastAnswer();
    expect(second.replace_original).toBe(true);
    expect(JSON.stringify(second)).toContain('page 2 of 2');
    expect(JSON.stringify(second)).toContain('AI-22');
    expect(JSON.stringify(second)).not.toContain('inventory.page');
    await command(s, USERS.carol.id, `inventory owner=<@${USERS.alice.id}|alice> high`);
    expect(JSON.stringify(lastAnswer())).toContain('1 tool · page 1 of 1');
  });

  it('publishes the compliance dashboard on the App Home of compliance only, with hostile text inert', async () => {
    const now = s.clock.now();
    await s.deps.db.insert(risks).values({ workspaceId: ws, systemId, number: 1, source: 'other', description: HOSTILE, likelihood: 4, impact: 4, score: 16, treatment: 'mitigate', createdAt: now, updatedAt: now });
    s.fake.reset();
    await s.send(eventCallback({ event: { type: 'app_home_opened', user: USERS.carol.id, channel: 'D0C', tab: 'home' }, eventId: 'Ev0HOME1' }));
    await s.send(eventCallback({ event: { type: 'app_home_opened', user: USERS.bob.id, channel: 'D0B', tab: 'home' }, eventId: 'Ev0HOME2' }));
    await s.settle();
    const published = s.fake.callsOf('views.publish');
    const carol = published.find((c) => c.params.user_id === USERS.carol.id)!.params.view as { blocks: unknown[] };
    const bob = published.find((c) => c.params.user_id === USERS.bob.id)!.params.view as { blocks: unknown[] };
    const shown = JSON.stringify(carol);
    expect(shown).toContain('AI systems (22)');
    expect(shown).toContain('high-risk 1');
    expect(shown).toContain('Untreated high risks (1)');
    expect(shown).toContain('AI-1/R-1');
    expect(shown).toContain('Overdue tasks (0)');
    expect(shown).toContain('My tools');
    expect(slackHazards(carol, /^<@U0[A-Z0-9]+>$/)).toEqual([]);
    expect(JSON.stringify(bob)).not.toContain('Untreated high risks');
    expect(JSON.stringify(bob)).toContain('My tools');
  });

  it('a re-triage tells the owner in a DM, with a button that opens the impact modal', async () => {
    s.fake.reset();
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    const r = await flows.retriage(ctx, 'AI-1', { ...highAnswers, data_categories: ['personal', 'special_category'] });
    expect(r.kind).toBe('retriaged');
    await s.settle();
    const dm = s.fake.callsOf('chat.postMessage').find((c) => JSON.stringify(c.params.blocks).includes('impact.open'));
    expect(dm?.params.text).toContain('is due again');
    await s.send(blockAction({ actionId: 'impact.open', value: 'AI-1', user: USERS.alice.id, channel: String(dm!.params.channel), messageTs: '8.1', responseUrl: `${s.fake.responseBase}/dm` }));
    await s.settle();
    expect(lastOpenedView(s).callback_id).toBe('impact.submit');
  });
});
