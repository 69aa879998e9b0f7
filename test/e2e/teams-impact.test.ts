/**
 * Teams end to end (botbuilder against the fake Bot Connector): `impact <ref>` answers with the
 * impact card pre-filled from triage, "Save" shows problems under their inputs and stores one
 * assessment for repeated clicks; `show` carries the impact line; `inventory` pages with a
 * "Next page" action; `home` is the personal compliance dashboard (hostile text inert); a
 * re-triage sends the owner an "Assess impact" card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { impactAssessments, risks } from '../../db/schema-aims';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { cardHazards, HOSTILE, HOSTILE_TEXT } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { TENANT, buttons, cardOf, cardText, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

describe('Teams: impact, inventory and home', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let systemId = 0;
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ organization: { publicSector: 'public_authority' } }));
    bench.clock.set('2026-11-03T10:00:00Z');
    await bench.installPersonal(people.bob);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screener', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    systemId = r.system.id;
    for (const u of [people.bob, people.compliance, people.dpo]) await flows.decideForSystem(await ctxOf(u), 'AI-1', 'approve');
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('show says the assessment is missing; a stranger is refused before any question', async () => {
    expect(cardText(await bench.say(people.bob, 'show AI-1'))).toContain('Impact assessment: missing — assess it with "impact AI-1".');
    const refused = await bench.say(people.mallory, 'impact AI-1');
    expect(cardText(refused)).toContain('Only the owner of AI-1');
    expect(inputs(refused)).toHaveLength(0);
  });

  it('offers the impact card pre-filled, shows problems under their inputs, and records one assessment', async () => {
    const card = await bench.say(people.bob, 'impact AI-1');
    const ins = inputs(card);
    expect(ins.map((i) => i.id)).toEqual(flows.impactQuestions(true).map((q) => q.id));
    expect(ins.find((i) => i.id === 'affected_groups')!.value).toBe('Affected: job applicants.');
    expect(cardText(card)).toContain('Pre-filled from triage: affected_people.');
    const save = buttons(card).find((b) => b.title === 'Save')!;
    const values = Object.fromEntries(ins.map((i) => [String(i.id), typeof i.value === 'string' ? i.value : `About ${String(i.id)}.`]));
    const again = await bench.execute(people.bob, { ...save.data, ...values, fria_period: '  ' });
    expect(cardText(again)).toContain('Period and frequency of use: describe it');
    expect(inputs(again).find((i) => i.id === 'fria_risks')!.value).toBe('About fria_risks.');
    const full = { ...save.data, ...values, fria_risks: HOSTILE_TEXT };
    expect(cardText(await bench.execute(people.bob, full))).toContain('Impact assessment AI-1/IA-1 recorded, with the Art. 27 elements (FRIA).');
    expect(cardText(await bench.execute(people.bob, full))).toContain('AI-1/IA-1 already has these answers');
    expect(cardText(await bench.execute(people.mallory, full))).toContain('Only the owner of AI-1');
    const rows = await deps.db.select().from(impactAssessments).where(eq(impactAssessments.systemId, systemId));
    expect(rows.map((r) => [r.number, r.fria])).toEqual([[1, true]]);
    expect(cardText(await bench.say(people.bob, 'show AI-1'))).toMatch(/Impact assessment: AI-1\/IA-1, next due \d{4}-\d{2}-\d{2}\./);
  });

  it('pages the inventory for compliance; others are refused', async () => {
    const alice = await ctxOf(people.alice);
    for (let i = 1; i <= 20; i++) await flows.register(alice, { fields: fieldsFor(`Tool ${i}`, `teams:${people.alice.aad}`), answers: minimalAnswers });
    expect(cardText(await bench.say(people.bob, 'inventory'))).toContain('Only compliance can see the whole inventory');
    const first = await bench.say(people.compliance, 'inventory');
    expect(cardText(first)).toContain('21 tools · page 1 of 2');
    const next = buttons(first).find((b) => b.title === 'Next page')!;
    expect(next.data).toEqual({ action: 'inventory.page', filter: 'page=2' });
    const second = await bench.execute(people.compliance, next.data);
    expect(cardText(second)).toContain('page 2 of 2');
    expect(cardText(second)).toContain('AI-21');
    expect(buttons(second).find((b) => b.title === 'Next page')).toBeUndefined();
    expect(cardText(await bench.say(people.compliance, 'inventory high approved'))).toContain('1 tool · page 1 of 1');
  });

  it('home is the compliance dashboard with hostile text inert; others are refused', async () => {
    const now = bench.clock.now();
    const ws = (await ctxOf(people.compliance)).workspace.id;
    await deps.db.insert(risks).values({ workspaceId: ws, systemId, number: 1, source: 'other', description: HOSTILE, likelihood: 3, impact: 3, score: 9, treatment: 'mitigate', createdAt: now, updatedAt: now });
    const card = await bench.say(people.compliance, 'home');
    const text = cardText(card);
    expect(text).toContain('AI systems (21)');
    expect(text).toContain('high-risk 1');
    expect(text).toContain('Untreated high risks (1)');
    expect(text).toContain('AI-1/R-1 CV Screener');
    expect(text).toContain('Overdue reviews (0)');
    expect(cardHazards(card)).toEqual([]);
    expect(cardText(await bench.say(people.bob, 'home'))).toContain('for members of compliance');
  });

  it('a re-triage sends the owner an Assess impact card that opens the impact card', async () => {
    const before = bench.fake.calls.length;
    const r = await flows.retriage(await ctxOf(people.bob), 'AI-1', { ...highAnswers, data_categories: ['personal', 'special_category'] });
    expect(r.kind).toBe('retriaged');
    await bench.drain();
    const sent = bench.fake.calls.slice(before).filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && JSON.stringify(c.body ?? '').includes('impact.open'));
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]!.body as Record<string, unknown>);
    expect(cardText(card)).toContain('is due again');
    const open = buttons(card).find((b) => b.title === 'Assess impact')!;
    expect(inputs(await bench.execute(people.bob, open.data)).length).toBe(flows.impactQuestions(true).length);
  });
});
