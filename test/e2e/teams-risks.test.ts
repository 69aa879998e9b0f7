/**
 * The risk register through botbuilder against the fake Bot Connector: the owner of an approved
 * high-risk tool gets the prompt card in personal chat, assesses from its button one risk per
 * card, is refused acceptance above the threshold (compliance gets the accept card), and
 * compliance accepts once however often it clicks. Hostile text is escaped on the cards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { registerCard } from '../../adapters/teams/risks';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, cardHazards } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { TENANT, buttons, cardOf, cardText, inputs, people, startTeamsBench } from '../helpers/teams-harness';

type Json = Record<string, unknown>;

describe('Teams: the risk register', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let ref = '';
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const sentTo = (u: TeamsUser, since: number, needle: string) =>
    bench.fake.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && (c.conversationId ?? '').startsWith(`a:personal-${u.aad}`) && JSON.stringify(c.body ?? '').includes(needle));

  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    for (const u of [people.bob, people.compliance, people.compliance2]) await bench.installPersonal(u);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    ref = r.system.ref;
    for (const u of [people.bob, people.compliance, people.dpo]) await flows.decideForSystem(await ctxOf(u), ref, 'approve');
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('the owner assesses from the prompt card, one risk per card; a bad answer comes back under its input', async () => {
    const prompts = sentTo(people.bob, 0, 'Please assess its risks');
    expect(prompts).toHaveLength(1);
    const prompt = cardOf(prompts[0]!.body as Json);
    const assess = buttons(prompt).find((b) => b.data.action === 'risk.assess')!;
    expect(assess.data.ref).toBe(ref);
    let card = await bench.execute(people.bob, assess.data);
    const ids = inputs(card).map((i) => i.id);
    for (const id of ['keep', 'source', 'description', 'likelihood', 'impact', 'treatment', 'controls', 'measures', 'treatment_owner', 'due_date', 'residual_likelihood', 'residual_impact']) expect(ids).toContain(id);
    const answers: Record<string, Json> = {
      bias_discrimination: { keep: 'keep', source: 'bias_discrimination', description: `Ranks older applicants lower ${HOSTILE}`, likelihood: '4', impact: '4', treatment: 'mitigate', controls: 'A.5.4,A.7.4', measures: 'Quarterly bias tests', treatment_owner: people.bob.aad, due_date: '2027-01-31', residual_likelihood: '2', residual_impact: '3' },
      privacy_data_misuse: { keep: 'keep', source: 'privacy_data_misuse', description: 'CVs kept too long', likelihood: '3', impact: '4', treatment: 'accept', residual_likelihood: '3', residual_impact: '4' },
    };
    for (let i = 0; i < 12; i++) {
      const save = buttons(card).find((b) => b.data.submit === true);
      if (!save) break;
      const source = String(inputs(card).find((x) => x.id === 'source')?.value ?? '');
      const data = answers[source] ?? { keep: 'drop' };
      if (source === 'bias_discrimination') {
        const bad = await bench.execute(people.bob, { ...save.data, ...data, likelihood: '9' });
        expect(cardText(bad)).toMatch(/is not a level/);
        expect(await bench.db.db.select().from(risks)).toHaveLength(0);
      }
      card = await bench.execute(people.bob, { ...save.data, ...data });
    }
    expect(cardText(card)).toContain(`Risk register of ${ref}`);
    const rows = await bench.db.db.select().from(risks);
    expect(rows.map((r) => [r.source, r.status]).sort()).toEqual([['bias_discrimination', 'treating'], ['privacy_data_misuse', 'open']]);
    expect(await bench.db.db.select().from(tasks).where(eq(tasks.kind, 'risk_treatment'))).toHaveLength(1);
    expect(cardHazards(card)).toEqual([]);
  });

  it('shows the register to anyone, with buttons only for who may use them', async () => {
    const seen = await bench.say(people.mallory, `risks ${ref}`);
    expect(cardText(seen)).toContain('Likelihood');
    expect(buttons(seen)).toEqual([]);
    const v = await flows.riskRegister(await ctxOf(people.compliance), ref);
    if ('kind' in v) throw new Error(v.message);
    const card = registerCard(v);
    expect(cardHazards(card)).toEqual([]);
    expect(buttons(card).map((b) => b.data.action)).toContain('risk.accept_residual');
  });

  it('refuses the owner above the threshold, asks compliance with the accept card, and compliance accepts once', async () => {
    const privacy = (await bench.db.db.select().from(risks).where(eq(risks.source, 'privacy_data_misuse')))[0]!;
    const riskRef = flows.riskRef(ref, privacy.number);
    const before = bench.fake.calls.length;
    const refused = await bench.execute(people.bob, { action: 'risk.accept_residual', ref: riskRef });
    expect(cardText(refused)).toMatch(/only a member of compliance can accept it/);
    await bench.drain();
    const asked = sentTo(people.compliance, before, riskRef);
    expect(asked).toHaveLength(1);
    const accept = buttons(cardOf(asked[0]!.body as Json)).find((b) => b.data.action === 'risk.accept_residual')!;
    const results = await Promise.all(Array.from({ length: 5 }, () => bench.execute(people.compliance, accept.data)));
    expect(results.filter((c) => cardText(c).includes('You accepted'))).toHaveLength(1);
    expect(results.filter((c) => cardText(c).includes('already accepted'))).toHaveLength(4);
    expect((await bench.db.db.select().from(risks).where(eq(risks.id, privacy.id)))[0]!.status).toBe('accepted');
    const events = await bench.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'risk.accepted'), eq(auditEvents.subjectId, riskRef)));
    expect(events).toHaveLength(1);
  });
});
