/**
 * Incidents through real Bolt with signed requests against the fake Slack Web API: anyone
 * reports a serious incident on a high-risk tool from `/aims incident AI-n`; a bad answer is
 * refused at its field; compliance sees the incident with both due times in its channel, the NC
 * exists, the reporter gets the ref; the step buttons record once; `incident INC-n` is shown to
 * those who may see it; compliance exports the incidents. Hostile text stays inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, slackHazards } from '../helpers/hostile-text';
import type { SlackCall } from '../helpers/fake-slack-api';
import { blockAction } from '../helpers/slack-requests';
import { command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
const json = (c: SlackCall | undefined) => JSON.stringify(c?.params ?? null);
const DAY = 86_400_000;

describe('Slack: incidents', () => {
  let s: SlackTestServer;
  let ref = '';
  const local = (at: Date) => flows.localDateTime(at, 'UTC').slice(0, 16);
  const click = async (user: string, actionId: string, value: string) => {
    const res = await s.send(blockAction({ actionId, value, user, channel: 'C0APPROVALS', messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/click-${user}` }));
    expect(res.status).toBe(200);
    await s.settle();
  };

  beforeAll(async () => {
    s = await startSlackServer();
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    ref = seeded.system.ref;
    await s.settle();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('anyone reports from /aims incident <ref>: a future time is refused at its field, then compliance sees both due times and an NC is opened', async () => {
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `incident ${ref}`)).toBe(200);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('incident.report');
    const blockIds = (view.blocks as Array<{ block_id?: string }>).map((b) => b.block_id).filter(Boolean);
    expect(blockIds).toEqual(['occurred_at', 'description', 'harm', 'people_affected', 'serious', 'widespread']);
    const answers = { occurred_at: local(new Date(s.clock.now().getTime() - 3600_000)), description: `Told a patient to stop treatment ${HOSTILE}`, harm: 'death_or_serious_health', people_affected: '1 *bold* <!channel>' };
    const bad = await submit(s, USERS.mallory.id, view, { ...answers, occurred_at: local(new Date(s.clock.now().getTime() + 2 * DAY)) });
    expect(bad.response_action).toBe('errors');
    expect((bad.errors as Record<string, string>).occurred_at).toMatch(/future/);
    expect(await s.database.db.select().from(incidents)).toHaveLength(0);

    expect(await submit(s, USERS.mallory.id, view, answers)).toEqual({});
    const [row] = await s.database.db.select().from(incidents);
    expect(row).toMatchObject({ number: 1, serious: true, reportCase: 'death', riskClass: 'high' });
    expect(row!.authorityReportDueAt!.getTime() - row!.createdAt.getTime()).toBe(10 * DAY);
    const [nc] = await s.database.db.select().from(nonconformities).where(eq(nonconformities.incidentId, row!.id));
    expect(nc).toMatchObject({ source: 'incident', severity: 'major', status: 'open' });
    expect(row!.ncId).toBe(nc!.id);

    const confirmation = s.fake.callsOf('chat.postEphemeral').find((c) => c.params.user === USERS.mallory.id);
    expect(json(confirmation)).toContain('Your report is *INC-1*');
    const notice = s.fake.callsOf('chat.postMessage').find((c) => c.params.channel === 'C0APPROVALS' && json(c).includes('INC-1'));
    expect(notice).toBeDefined();
    const text = json(notice);
    expect(text).toContain('Inform the provider* (Art. 26(5)): immediately — due');
    expect(text).toContain(`Report to the market surveillance authority* (Art. 73(4)): due ${flows.localDateTime(row!.authorityReportDueAt, 'UTC')}`);
    expect(text).toContain('treated as the death case of Art. 73(4)');
    expect(text).toContain(`Nonconformity *NC-${nc!.number}* opened`);
    expect(text).toContain('incident.provider_informed');
    expect(text).toContain('incident.authority_reported');
    expect(slackHazards({ text: notice!.params.text, blocks: notice!.params.blocks }, /^$/)).toEqual([]);
    expect(text).not.toContain('<!channel>');
    await s.settle();
    // Delivered once, however often the outbox is run.
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0APPROVALS' && json(c).includes('INC-1'))).toHaveLength(1);
  });

  it('/aims incident alone lets the reporter pick the system; an unknown system is refused at its field', async () => {
    s.fake.reset();
    expect(await command(s, USERS.alice.id, 'incident')).toBe(200);
    const view = lastOpenedView(s) as View;
    const system = (view.blocks as Array<{ block_id?: string; element?: { type: string; options?: Array<{ value: string }> } }>).find((b) => b.block_id === 'system');
    expect(system?.element?.type).toBe('static_select');
    expect(system?.element?.options?.map((o) => o.value)).toContain(ref);
    const r = await submit(s, USERS.alice.id, view, { system: 'AI-99', occurred_at: local(s.clock.now()), description: 'x', harm: 'none' });
    expect(r.response_action).toBe('errors');
    expect((r.errors as Record<string, string>).system).toMatch(/no system AI-99/);
    expect(await submit(s, USERS.alice.id, view, { system: ref, occurred_at: local(s.clock.now()), description: 'A wrong answer, caught', harm: 'none' })).toEqual({});
    const rows = await s.database.db.select().from(incidents).where(eq(incidents.number, 2));
    expect(rows[0]).toMatchObject({ serious: false, authorityReportDueAt: null, ncId: null });
  });

  it('the step buttons record once, for compliance or the owner only', async () => {
    s.fake.reset();
    await click(USERS.mallory.id, 'incident.provider_informed', 'INC-1');
    expect(json(s.fake.callsOf('chat.postEphemeral').at(-1))).toMatch(/Only compliance or the owner/);
    await Promise.all([click(USERS.carol.id, 'incident.provider_informed', 'INC-1'), click(USERS.bob.id, 'incident.provider_informed', 'INC-1')]);
    await click(USERS.carol.id, 'incident.provider_informed', 'INC-1');
    expect(json(s.fake.callsOf('chat.postEphemeral').at(-1))).toMatch(/already recorded/);
    const events = await s.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'incident.provider_informed'), eq(auditEvents.subjectId, 'INC-1')));
    expect(events).toHaveLength(1);
  });

  it('incident INC-n: shown to compliance with the due times, refused to others', async () => {
    s.fake.reset();
    expect(await command(s, USERS.alice.id, 'incident INC-1')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toMatch(/Only the reporter, the owner of the system and compliance/);
    expect(await command(s, USERS.carol.id, 'incident INC-1')).toBe(200);
    const shown = json(s.fake.callsOf('response_url').at(-1));
    expect(shown).toContain('done');
    expect(shown).toContain('Art. 73(4)');
    expect(await command(s, USERS.carol.id, 'incident INC-1 reported')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toContain('Recorded: the authority was sent the report for INC-1');
  });

  it('exports the incidents as a file in a DM for compliance only; CSV formulas are neutralised', async () => {
    await s.database.db.update(incidents).set({ description: '=HYPERLINK("https://evil.example")' }).where(eq(incidents.number, 2));
    s.fake.reset();
    expect(await command(s, USERS.bob.id, 'export incidents csv')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toContain('Only a member of compliance');
    expect(await command(s, USERS.carol.id, 'export incidents csv')).toBe(200);
    expect(json(s.fake.callsOf('response_url').at(-1))).toMatch(/Sent incidents-\d{4}-\d{2}-\d{2}\.csv \(2 incidents\)/);
    const file = s.fake.files.at(-1)!;
    const csv = file.bytes!.toString('utf8');
    expect(csv).toContain('ref,system_ref');
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
  });
});
