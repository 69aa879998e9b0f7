/**
 * The improvement loop of Teams as one story, through botbuilder against the fake Bot Connector:
 * compliance plans an internal audit on the `audit.plan` card, the owner of the sampled system
 * answers the evidence request card with `task.done` and evidence, the auditor records a
 * `minor_nc` on the `finding.record` card which opens an NC, the NC runs to closure through its
 * cards (containment, root cause, a corrective action done with evidence, verified effective,
 * closed by compliance) with nc-reminders on the way (each run twice: nothing is sent twice), a
 * serious incident on the high-risk system is reported, and the management review pack card is
 * posted to the compliance channel with its charts (PNGs fetched and decoded, the PDF opened) and
 * a pack that mentions the audit, its finding, the NC and the incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Resvg } from '@resvg/resvg-js';
import { tasks } from '../../db/schema-aims';
import { auditFindings, incidents, internalAudits, managementReviews, nonconformities } from '../../db/schema-improve';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, TENANT, buttons, cardOf, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

type Json = Record<string, unknown>;
const DIGEST = '19:compliance@thread.tacv2';

describe('Teams: the improvement loop from audit to management review', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let systemRef = '';
  let auditRef = '';
  let ncRef = '';
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const activities = (since: number) => bench.fake.calls.slice(since).filter((c) => c.method === 'POST' && c.path.endsWith('/activities'));
  const toPerson = (u: TeamsUser, since: number, needle: string) => activities(since).filter((c) => (c.conversationId ?? '').startsWith(`a:personal-${u.aad}`) && JSON.stringify(c.body ?? '').includes(needle));
  const toChannel = (channel: string, since: number, needle: string) => activities(since).filter((c) => (c.conversationId ?? '').startsWith(channel) && JSON.stringify(c.body ?? '').includes(needle));
  const submitOf = (card: Json, action: string) => {
    const b = buttons(card).find((x) => x.data.action === action);
    if (!b) throw new Error(`no ${action} button on: ${cardText(card)}`);
    return b.data;
  };
  const nc = async () => (await bench.db.db.select().from(nonconformities).where(eq(nonconformities.source, 'audit')))[0]!;
  /** Runs nc-reminders twice at `at` and delivers; returns the index of the first call made. */
  const remind = async (at: Date) => {
    bench.clock.set(at);
    const since = bench.fake.calls.length;
    await flows.runNcReminders(deps, at);
    await flows.runNcReminders(deps, at);
    await bench.drain();
    return since;
  };

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ organization: { name: 'Acme', timezone: 'UTC' }, nc: { effectivenessAfterDays: 7 }, channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } } }));
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    bench.clock.set('2026-10-01T09:00:00Z');
    await bench.installChannel();
    for (const u of [people.bob, people.compliance, people.compliance2, people.mallory]) await bench.installPersonal(u);
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    systemRef = r.system.ref;
    for (const u of [people.bob, people.compliance, people.dpo]) await flows.decideForSystem(await ctxOf(u), systemRef, 'approve');
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('compliance plans an audit on the audit.plan card; the sampled owner gets the evidence request card', async () => {
    bench.clock.set('2026-10-05T09:00:00Z');
    const since = bench.fake.calls.length;
    const card = await bench.say(people.compliance, 'audit plan');
    const planned = await bench.execute(people.compliance, {
      ...submitOf(card, 'audit.plan'),
      title: 'Recruitment AI audit',
      scope_clauses: '9.2, 6.1.2',
      scope_controls: 'A.6.2.4',
      sample_high: '1',
      sample_limited: '0',
      sample_minimal: '0',
      auditors: people.compliance2.aad,
      planned_for: '2026-10-20',
    });
    expect(cardText(planned)).toContain('Planned IA-2026-1');
    const [audit] = await bench.db.db.select().from(internalAudits);
    auditRef = flows.auditRefOf(audit!);
    await bench.drain();
    const asked = toPerson(people.bob, since, auditRef);
    expect(asked).toHaveLength(1);
    expect(buttons(cardOf(asked[0]!.body as Json)).map((b) => b.data.action)).toContain('task.done');
  });

  it('the owner answers the evidence request with task.done and evidence', async () => {
    bench.clock.set('2026-10-06T09:00:00Z');
    const [request] = await bench.db.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'));
    const form = await bench.execute(people.bob, { action: 'task.done', ref: flows.taskRef(request!.number) });
    await bench.execute(people.bob, { ...submitOf(form, 'task.done'), evidence: 'https://wiki.example/cv-screen/bias-tests' });
    expect((await bench.db.db.select().from(tasks).where(eq(tasks.id, request!.id)))[0]).toMatchObject({ status: 'done', evidence: 'https://wiki.example/cv-screen/bias-tests' });
  });

  it('the auditor records a minor_nc on the finding.record card, which opens an NC the owner is told about', async () => {
    bench.clock.set('2026-10-20T10:00:00Z');
    const since = bench.fake.calls.length;
    const seen = await bench.say(people.compliance2, `audit ${auditRef}`);
    const form = await bench.execute(people.compliance2, submitOf(seen, 'finding.record'));
    const recorded = await bench.execute(people.compliance2, { ...submitOf(form, 'finding.record'), subject: systemRef, kind: 'minor_nc', text: 'Bias tests are not repeated after model updates', evidence: 'Test log of 2026-09' });
    const findings = await bench.db.db.select().from(auditFindings);
    expect(findings).toHaveLength(1);
    const row = await nc();
    expect(row).toMatchObject({ source: 'audit', severity: 'minor', status: 'open', findingId: findings[0]!.id, ownerId: (await ctxOf(people.bob)).actor.id });
    ncRef = flows.ncRef(row.number);
    expect(cardText(recorded)).toContain(`Recorded ${auditRef}/F-1 and opened nonconformity ${ncRef}`);
    await bench.drain();
    expect(toPerson(people.bob, since, ncRef).length).toBeGreaterThan(0);
  });

  it('nc-reminders chases the missing containment once, however often it runs', async () => {
    let since = await remind(new Date('2026-10-28T10:00:00Z'));
    expect(toPerson(people.bob, since, 'has no containment')).toHaveLength(1);
    since = await remind(new Date('2026-10-29T10:00:00Z'));
    expect(activities(since).filter((c) => JSON.stringify(c.body ?? '').includes('no containment'))).toHaveLength(0);
  });

  it('containment, root cause and a corrective action on their cards; the action done with evidence moves the NC to verifying', async () => {
    bench.clock.set('2026-10-29T11:00:00Z');
    let form = await bench.execute(people.bob, { action: 'nc.containment', ref: ncRef });
    await bench.execute(people.bob, { ...submitOf(form, 'nc.containment'), containment: 'Froze model updates until tests run' });
    form = await bench.execute(people.bob, { action: 'nc.root_cause', ref: ncRef });
    await bench.execute(people.bob, { ...submitOf(form, 'nc.root_cause'), root_cause: 'The release checklist has no bias-test step' });
    form = await bench.execute(people.bob, { action: 'nc.add_action', ref: ncRef });
    expect(cardText(await bench.execute(people.bob, { ...submitOf(form, 'nc.add_action'), title: 'Add bias tests to the release checklist', assignee: 'me', due_date: '2026-11-15' }))).toContain('Corrective action T-');
    expect((await nc()).status).toBe('action_planned');
    const [action] = await bench.db.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));

    // The corrective action is a task: task-reminders run twice reminds its assignee once.
    const actionRef = flows.taskRef(action!.number);
    const before = bench.fake.calls.length;
    bench.clock.set('2026-11-09T09:00:00Z');
    await flows.runTaskReminders(deps, bench.clock.now());
    await flows.runTaskReminders(deps, bench.clock.now());
    await bench.drain();
    const reminded = toPerson(people.bob, before, 'Mark it done with evidence');
    expect(reminded).toHaveLength(1);
    expect(JSON.stringify(reminded[0]!.body)).toContain(`"ref":"${actionRef}"`);

    bench.clock.set('2026-11-10T09:00:00Z');
    const since = bench.fake.calls.length;
    const done = await bench.execute(people.bob, { action: 'task.done', ref: flows.taskRef(action!.number) });
    await bench.execute(people.bob, { ...submitOf(done, 'task.done'), evidence: 'https://wiki.example/release-checklist' });
    await bench.drain();
    expect((await nc()).status).toBe('verifying');
    expect(toPerson(people.bob, since, 'verify their effectiveness')).toHaveLength(1);
  });

  it('the due verification is chased once to the owner and the compliance channel, however often the job runs', async () => {
    const due = (await nc()).effectivenessDueAt!;
    let since = await remind(new Date(due.getTime() + 3_600_000));
    const needle = `effectiveness check of nonconformity ${ncRef}`;
    expect(toPerson(people.bob, since, needle)).toHaveLength(1);
    expect(toChannel(DIGEST, since, needle)).toHaveLength(1);
    since = await remind(new Date(due.getTime() + 86_400_000));
    expect(activities(since).filter((c) => JSON.stringify(c.body ?? '').includes(needle))).toHaveLength(0);
  });

  it('verified effective, the closure chased once, closed by compliance', async () => {
    const due = (await nc()).effectivenessDueAt!;
    bench.clock.set(new Date(due.getTime() + 2 * 86_400_000));
    const form = await bench.execute(people.bob, { action: 'nc.verify', ref: ncRef });
    expect(cardText(await bench.execute(people.bob, { ...submitOf(form, 'nc.verify'), effective: 'yes' }))).toContain('verified effective');
    let since = await remind(new Date(due.getTime() + 3 * 86_400_000));
    expect(toChannel(DIGEST, since, 'can be closed')).toHaveLength(1);
    since = await remind(new Date(due.getTime() + 4 * 86_400_000));
    expect(activities(since).filter((c) => JSON.stringify(c.body ?? '').includes('can be closed'))).toHaveLength(0);
    expect(cardText(await bench.execute(people.compliance, { action: 'nc.close', ref: ncRef }))).toContain('is closed by');
    expect((await nc()).status).toBe('closed');
    since = await remind(new Date(due.getTime() + 10 * 86_400_000));
    expect(activities(since).filter((c) => JSON.stringify(c.body ?? '').includes(ncRef))).toHaveLength(0);
  });

  it('compliance gets the audit report, which names the finding and the NC it opened', async () => {
    const card = await bench.say(people.compliance, `export audit-report ${auditRef}`);
    const open = (card.actions as Array<{ type: string; url?: string }> | undefined)?.find((a) => a.type === 'Action.OpenUrl');
    const report = await (await fetch(open!.url!)).text();
    expect(report).toContain(`${auditRef}/F-1`);
    expect(report).toContain(ncRef);
  });

  it('a serious incident on the high-risk system is reported in the same tenant and opens its own NC', async () => {
    bench.clock.set('2026-11-28T09:00:00Z');
    const form = await bench.say(people.mallory, `incident ${systemRef}`);
    const occurred = flows.localDateTime(new Date('2026-11-27T15:00:00Z'), 'UTC').slice(0, 16);
    const done = await bench.execute(people.mallory, { ...submitOf(form, 'incident.report'), occurred_at: occurred, description: 'Rejected every applicant over 50', harm: 'to_rights', people_affected: '40' });
    expect(cardText(done)).toContain('Your report is INC-1');
    const [inc] = await bench.db.db.select().from(incidents);
    expect(inc).toMatchObject({ number: 1, serious: true });
    const [incNc] = await bench.db.db.select().from(nonconformities).where(eq(nonconformities.source, 'incident'));
    expect(incNc).toMatchObject({ severity: 'major', status: 'open' });
    await bench.drain();
  });

  it('the management review pack card is posted once with decoded charts and a PDF, and tells the whole story', async () => {
    bench.clock.set('2026-12-01T09:00:00Z');
    const since = bench.fake.calls.length;
    expect(cardText(await bench.say(people.compliance, 'management-review'))).toContain('Management review MR-2026-Q4 generated');
    await bench.drain();
    await bench.drain();
    const packs = toChannel(DIGEST, since, 'Management review pack MR-2026-Q4');
    expect(packs).toHaveLength(1);
    const card = cardOf(packs[0]!.body as Json);
    const images = (card.body as Json[]).filter((b) => b.type === 'Image');
    expect(images).toHaveLength(3);
    for (const img of images) {
      const res = await fetch(String(img.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      const size = flows.pngSize(png);
      expect(size!.width).toBeGreaterThan(400);
      expect(size!.height).toBeGreaterThan(100);
      const drawn = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"><image width="20" height="20" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`).render();
      const px = drawn.pixels;
      let coloured = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i]! < 250 || px[i + 1]! < 250 || px[i + 2]! < 250) coloured += 1;
      expect(coloured).toBeGreaterThan(0);
    }
    const actions = card.actions as Json[];
    const pdf = Buffer.from(await (await fetch(String(actions.find((a) => a.title === 'Open the PDF')!.url))).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    const md = await (await fetch(String(actions.find((a) => a.title === 'Markdown')!.url))).text();
    const section = (n: number) => md.slice(md.indexOf(`## ${n}.`), md.indexOf(`## ${n + 1}.`));
    expect(section(5)).toContain(`${auditRef} Recruitment AI audit`);
    expect(section(5)).toContain('1 minor NC');
    expect(section(5)).toMatch(new RegExp(`${auditRef}/F-1 \\(minor_nc, AI\\\\?-\\d+\\) Bias tests are not repeated after model updates — opened ${ncRef} \\(closed\\)`));
    expect(section(4)).toMatch(/2 opened and 1 closed in the period/);
    expect(section(4)).toContain('1 done');
    expect(section(6)).toContain('1 incident(s) in the period, 1 serious');
    expect(section(6)).toContain('INC-1');
    // The quarterly job run twice after the command posts nothing more.
    const after = bench.fake.calls.length;
    await flows.runManagementReview(deps, bench.clock.now());
    await flows.runManagementReview(deps, bench.clock.now());
    await bench.drain();
    expect(toChannel(DIGEST, after, 'Management review pack')).toHaveLength(0);
    expect(await bench.db.db.select().from(managementReviews)).toHaveLength(1);
  });
});
