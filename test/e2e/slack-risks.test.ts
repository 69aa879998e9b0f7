/**
 * The risk register through real Bolt with signed requests against the fake Slack Web API: the
 * owner of an approved high-risk tool gets the prompt in a DM, assesses the suggested risks one
 * modal at a time from its button, sees the register, is refused acceptance of the risk above
 * the threshold (compliance is asked with the accept button), and compliance accepts it; replays
 * and double clicks change nothing more. Hostile text stays inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { renderRegister } from '../../adapters/slack/risks';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, slackHazards } from '../helpers/hostile-text';
import type { SlackCall } from '../helpers/fake-slack-api';
import { blockAction } from '../helpers/slack-requests';
import { command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
const json = (c: SlackCall | undefined) => JSON.stringify(c?.params ?? null);
const dmsTo = (s: SlackTestServer, user: string) => s.fake.callsOf('chat.postMessage').filter((c) => [user, `D${user}`].includes(String(c.params.channel)));
const buttonIn = (c: SlackCall | undefined, actionId: string) => {
  const blocks = (c?.params.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
};

describe('Slack: the risk register', () => {
  let s: SlackTestServer;
  let ref = '';
  const ctxOf = (user: string, email?: string) => flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${user}`, email });
  const click = async (user: string, actionId: string, value: string, channel = `D${user}`) => {
    const res = await s.send(blockAction({ actionId, value, user, channel, messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/click-${user}` }));
    expect(res.status).toBe(200);
    await s.settle();
    return res;
  };

  beforeAll(async () => {
    s = await startSlackServer();
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    ref = seeded.system.ref;
    await flows.decideForSystem(await ctxOf(USERS.bob.id), ref, 'approve');
    await flows.decideForSystem(await ctxOf(USERS.carol.id), ref, 'approve');
    await flows.decideForSystem(await ctxOf(USERS.dpo.id, USERS.dpo.email), ref, 'approve');
    await s.settle();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('prompts the owner in a DM with the risk.assess button, once', async () => {
    const prompts = dmsTo(s, USERS.bob.id).filter((c) => json(c).includes('Please assess its risks'));
    expect(prompts).toHaveLength(1);
    expect(buttonIn(prompts[0], 'risk.assess')?.value).toBe(ref);
  });

  it('the owner assesses from the prompt: one modal per risk, a bad answer is refused at its field', async () => {
    s.fake.reset();
    await click(USERS.bob.id, 'risk.assess', ref);
    let view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('risk.form');
    const meta = JSON.parse(view.private_metadata) as { queue: Array<{ source: string }> };
    expect(meta.queue.map((q) => q.source)).toEqual(expect.arrayContaining(['bias_discrimination', 'privacy_data_misuse']));
    const answers: Record<string, Record<string, unknown>> = {
      bias_discrimination: { keep: 'keep', source: 'bias_discrimination', description: `Ranks older applicants lower ${HOSTILE}`, likelihood: '4', impact: '4', treatment: 'mitigate', controls: ['A.5.4'], measures: 'Quarterly bias tests', residual_likelihood: '2', residual_impact: '3' },
      privacy_data_misuse: { keep: 'keep', source: 'privacy_data_misuse', description: 'CVs kept too long', likelihood: '3', impact: '4', treatment: 'accept', residual_likelihood: '3', residual_impact: '4' },
    };
    // A mitigation without measures is refused next to the field, and nothing is saved.
    const first = meta.queue[0]!.source;
    const bad = await submit(s, USERS.bob.id, view, { ...answers[first], measures: '', treatment: 'mitigate' });
    expect(bad.response_action).toBe('errors');
    expect((bad.errors as Record<string, string>).measures).toMatch(/say what will be done/);
    expect(await s.database.db.select().from(risks)).toHaveLength(0);
    for (let i = 0; i < meta.queue.length; i++) {
      const source = meta.queue[i]!.source;
      const r = await submit(s, USERS.bob.id, view, answers[source] ?? { keep: 'drop' });
      if (i < meta.queue.length - 1) {
        expect(r.response_action).toBe('update');
        view = r.view as View;
      } else expect(r).toEqual({});
    }
    const rows = await s.database.db.select().from(risks);
    expect(rows.map((r) => [r.source, r.status]).sort()).toEqual([['bias_discrimination', 'treating'], ['privacy_data_misuse', 'open']]);
    const treatment = await s.database.db.select().from(tasks).where(eq(tasks.kind, 'risk_treatment'));
    expect(treatment).toHaveLength(1);
  });

  it('shows the register with the heat map; hostile text stays inert', async () => {
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `risks ${ref}`)).toBe(200);
    const reply = s.fake.callsOf('response_url').at(-1)!;
    const text = json(reply);
    expect(text).toContain('Impact');
    expect(text).toContain('Likelihood');
    expect(text).not.toContain('risk.assess');
    expect(text).not.toContain('risk.accept_residual');
    const v = await flows.riskRegister(await ctxOf(USERS.bob.id), ref);
    if ('kind' in v) throw new Error(v.message);
    const message = renderRegister(v);
    expect(slackHazards(message, /^$/)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('risk.accept_residual');
  });

  it('refuses the owner above the threshold, asks compliance with the button, and compliance accepts once', async () => {
    const privacyRisk = (await s.database.db.select().from(risks).where(eq(risks.source, 'privacy_data_misuse')))[0]!;
    const riskRef = flows.riskRef(ref, privacyRisk.number);
    s.fake.reset();
    await click(USERS.bob.id, 'risk.accept_residual', riskRef);
    const refusal = s.fake.callsOf('chat.postEphemeral').at(-1);
    expect(json(refusal)).toMatch(/only a member of compliance can accept it/);
    const asked = dmsTo(s, USERS.carol.id);
    expect(asked).toHaveLength(1);
    expect(buttonIn(asked[0], 'risk.accept_residual')?.value).toBe(riskRef);
    expect((await s.database.db.select().from(risks).where(eq(risks.id, privacyRisk.id)))[0]!.status).toBe('open');
    // Five concurrent clicks and a replay: one acceptance, one audit event.
    await Promise.all(Array.from({ length: 5 }, () => click(USERS.carol.id, 'risk.accept_residual', riskRef)));
    await click(USERS.carol.id, 'risk.accept_residual', riskRef);
    const row = (await s.database.db.select().from(risks).where(eq(risks.id, privacyRisk.id)))[0]!;
    expect(row.status).toBe('accepted');
    const events = await s.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'risk.accepted'), eq(auditEvents.subjectId, riskRef)));
    expect(events).toHaveLength(1);
    expect(json(s.fake.callsOf('chat.postEphemeral').at(-1))).toMatch(/already accepted/);
  });

  it('exports the risk registers as a file in a DM for compliance only', async () => {
    s.fake.reset();
    expect(await command(s, USERS.bob.id, 'export risks csv')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toContain('Only a member of compliance');
    expect(await command(s, USERS.carol.id, 'export risks csv')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toMatch(/Sent risks-\d{4}-\d{2}-\d{2}\.csv \(2 risks\)/);
    expect(s.fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
  });

  it('a forged assess button opens nothing; a replayed signed click changes nothing', async () => {
    s.fake.reset();
    await click(USERS.mallory.id, 'risk.assess', ref);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(json(s.fake.callsOf('chat.postEphemeral').at(-1))).toMatch(/Only the owner of/);
    const third = (await s.database.db.select().from(risks).where(eq(risks.source, 'bias_discrimination')))[0]!;
    const body = blockAction({ actionId: 'risk.accept_residual', value: flows.riskRef(ref, third.number), user: USERS.bob.id, channel: `D${USERS.bob.id}`, messageTs: '1700000000.000200', responseUrl: `${s.fake.responseBase}/replay` });
    const first = await s.send(body);
    await s.settle();
    const again = await s.send(body);
    await s.settle();
    expect(first.status).toBe(200);
    expect([200, 401]).toContain(again.status);
    // Residual 2×3 = 6 is below 8: the owner accepts it, once.
    const events = await s.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'risk.accepted'), eq(auditEvents.subjectId, flows.riskRef(ref, third.number))));
    expect(events).toHaveLength(1);
  });
});
