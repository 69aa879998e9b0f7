/**
 * Incidents through botbuilder against the fake Bot Connector: anyone types `incident AI-n`,
 * fills the `incident.report` card (a bad answer comes back under its input), compliance sees the
 * incident with both due times in its channel with the step buttons, the NC exists, the reporter
 * gets the ref; the buttons record once; hostile text is escaped on the cards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, cardHazards } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, TENANT, buttons, cardOf, cardText, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

describe('Teams: incidents', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let ref = '';
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const local = (at: Date) => flows.localDateTime(at, 'UTC').slice(0, 16);
  const toChannel = (since: number, needle: string) =>
    bench.fake.calls.slice(since).filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && (c.conversationId ?? '').startsWith(APPROVALS) && JSON.stringify(c.body ?? '').includes(needle));

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ channels: { approvals: { teams: APPROVALS }, digest: { teams: APPROVALS } } }));
    await bench.installChannel();
    for (const u of [people.bob, people.compliance, people.mallory]) await bench.installPersonal(u);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    ref = r.system.ref;
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('anyone reports a serious incident on a high-risk tool; compliance sees both due times; an NC is opened', async () => {
    const form = await bench.say(people.mallory, `incident ${ref}`);
    expect(inputs(form).map((i) => i.id)).toEqual(['occurred_at', 'description', 'harm', 'people_affected', 'serious', 'widespread']);
    const report = buttons(form).find((b) => b.data.action === 'incident.report')!;
    expect(report.data).toMatchObject({ submit: true, system: ref });
    const answers = { occurred_at: local(new Date(bench.clock.now().getTime() - 3600_000)), description: `Flagged a whole district as fraud ${HOSTILE}`, harm: 'to_rights', serious: 'yes', widespread: 'yes', people_affected: '**many**' };
    const bad = await bench.execute(people.mallory, { ...report.data, ...answers, harm: 'lots' });
    expect(cardText(bad)).toMatch(/is not a kind of harm/);
    expect(await bench.db.db.select().from(incidents)).toHaveLength(0);

    const before = bench.fake.calls.length;
    const done = await bench.execute(people.mallory, { ...report.data, ...answers });
    expect(cardText(done)).toContain('Your report is INC-1');
    const [row] = await bench.db.db.select().from(incidents);
    expect(row).toMatchObject({ serious: true, reportCase: 'widespread_or_critical' });
    expect(row!.authorityReportDueAt!.getTime() - row!.createdAt.getTime()).toBe(2 * DAY);
    const [nc] = await bench.db.db.select().from(nonconformities).where(eq(nonconformities.incidentId, row!.id));
    expect(nc).toMatchObject({ source: 'incident', severity: 'major' });

    await bench.drain();
    const posted = toChannel(before, 'INC-1');
    expect(posted).toHaveLength(1);
    const card = cardOf(posted[0]!.body as Json);
    const text = cardText(card);
    expect(text).toContain('Serious incident reported: INC-1');
    expect(text).toContain(`due ${flows.localDateTime(row!.authorityReportDueAt, 'UTC')}`);
    expect(text).toContain('Report to the authority (Art. 73(3))');
    expect(text).toContain('Inform the provider (Art. 26(5))');
    expect(text).toContain(`NC-${nc!.number}`);
    expect(cardHazards(card)).toEqual([]);
    expect(buttons(card).map((b) => b.data.action)).toEqual(['incident.provider_informed', 'incident.authority_reported']);
    await bench.drain();
    expect(toChannel(before, 'INC-1')).toHaveLength(1);
  });

  it('the step buttons record once, for compliance or the owner only', async () => {
    const refused = await bench.execute(people.mallory, { action: 'incident.authority_reported', ref: 'INC-1' });
    expect(cardText(refused)).toMatch(/Only compliance or the owner/);
    const results = await Promise.all(Array.from({ length: 3 }, () => bench.execute(people.compliance, { action: 'incident.authority_reported', ref: 'INC-1' })));
    expect(results.filter((c) => cardText(c).includes('Recorded:'))).toHaveLength(1);
    expect(results.filter((c) => cardText(c).includes('already recorded'))).toHaveLength(2);
    const events = await bench.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'incident.authority_reported'), eq(auditEvents.subjectId, 'INC-1')));
    expect(events).toHaveLength(1);
  });

  it('incident alone offers the systems to pick; incident INC-n is refused to others', async () => {
    const form = await bench.say(people.alice, 'incident');
    const system = inputs(form).find((i) => i.id === 'system');
    expect((system?.choices as Array<{ value: string }>).map((c) => c.value)).toContain(ref);
    const report = buttons(form).find((b) => b.data.action === 'incident.report')!;
    const bad = await bench.execute(people.alice, { ...report.data, system: 'AI-42', occurred_at: local(bench.clock.now()), description: 'x', harm: 'none' });
    expect(cardText(bad)).toMatch(/no system AI-42/);
    expect(cardText(await bench.say(people.alice, 'incident INC-1'))).toMatch(/Only the reporter, the owner of the system and compliance/);
    expect(cardText(await bench.say(people.bob, 'incident INC-1'))).toContain('Incident INC-1');
  });

  it('export incidents in chat: compliance gets the list with due times, others a refusal', async () => {
    expect(cardText(await bench.say(people.mallory, 'export incidents csv'))).toContain('Only a member of compliance can export the incidents in chat.');
    const card = await bench.say(people.compliance, 'export incidents csv');
    expect(cardText(card)).toContain('Incidents: 1');
    expect(cardText(card)).toMatch(/INC-1 AI-1: to\\?_rights, serious; authority report due \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\) \(sent\); NC-1/);
    expect(cardHazards(card)).toEqual([]);
  });
});
