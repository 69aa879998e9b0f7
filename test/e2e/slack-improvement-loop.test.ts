/**
 * The improvement loop of Slack as one story, through real Bolt with signed requests against the
 * fake Slack Web API: compliance plans an internal audit (`/aims audit plan`, `audit.plan`), the
 * owner of the sampled system answers the evidence request (`task.done` with evidence), the
 * auditor records a `minor_nc` (`finding.record`) which opens an NC, the NC runs to closure
 * (containment, root cause, a corrective action done with evidence, verified effective, closed by
 * compliance) with nc-reminders on the way (each run twice: nothing is sent twice), a serious
 * incident on the high-risk system is reported, and the management review pack is posted to the
 * compliance channel with its charts (PNGs decoded, the PDF opened) and mentions the audit, its
 * finding, the NC and the incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Resvg } from '@resvg/resvg-js';
import { tasks } from '../../db/schema-aims';
import { auditFindings, incidents, internalAudits, managementReviews, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { blockAction } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
const COMPLIANCE = 'C0COMPLIANCE';
const json = (v: unknown) => JSON.stringify(v ?? null);

/** Decodes a PNG by drawing it into a small SVG: throws on bytes that are not a whole image. */
function decodePng(png: Buffer): { width: number; height: number } {
  const size = flows.pngSize(png);
  if (!size) throw new Error('not a PNG');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"><image width="20" height="20" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const pixels = new Resvg(svg).render().pixels;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 250 || pixels[i + 1]! < 250 || pixels[i + 2]! < 250) coloured += 1;
  if (coloured === 0) throw new Error('blank image');
  return size;
}

describe('Slack: the improvement loop from audit to management review', () => {
  let s: SlackTestServer;
  let systemRef = '';
  let auditRef = '';
  let ncRef = '';
  const isDm = (c: string, user: string) => c === user || c === `D${user}`;
  const dmsTo = (user: string, needle: string) => s.fake.callsOf('chat.postMessage').filter((c) => isDm(String(c.params.channel), user) && json(c.params).includes(needle));
  const inChannel = (channel: string, needle: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel && json(c.params).includes(needle));
  const ephemerals = () => s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));
  const click = async (actionId: string, value: string, user: string) => {
    s.fake.reset();
    const res = await s.send(blockAction({ actionId, value, user, channel: `D${user}`, messageTs: '1700000000.000300', responseUrl: `${s.fake.responseBase}/loop-${user}` }));
    expect(res.status).toBe(200);
    await s.settle();
  };
  const openModal = async (actionId: string, value: string, user: string) => {
    await click(actionId, value, user);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe(actionId);
    return view;
  };
  const nc = async () => (await s.deps.db.select().from(nonconformities).where(eq(nonconformities.source, 'audit')))[0]!;
  /** Runs nc-reminders twice at `at` and delivers; returns the messages sent. */
  const remind = async (at: string) => {
    s.clock.set(at);
    s.fake.reset();
    await flows.runNcReminders(s.deps, new Date(at));
    await flows.runNcReminders(s.deps, new Date(at));
    await s.settle();
    return s.fake.callsOf('chat.postMessage');
  };

  beforeAll(async () => {
    s = await startSlackServer({ db: 'pglite', policy: { ...TEST_POLICY, organization: { name: 'Acme', timezone: 'UTC' }, nc: { effectivenessAfterDays: 7 }, channels: { ...TEST_POLICY.channels, digest: { slack: COMPLIANCE } } } });
    s.clock.set('2026-10-01T09:00:00Z');
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    systemRef = seeded.system.ref;
    const deciders = [USERS.bob.id, USERS.carol.id, USERS.dpo.id];
    for (const [i, step] of seeded.steps.entries()) await clickStep(s, deciders[i]!, 'approval.approve', step);
    await s.settle();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('compliance plans an audit with the audit.plan modal; the sampled owner is asked for evidence in a DM', async () => {
    s.clock.set('2026-10-05T09:00:00Z');
    s.fake.reset();
    expect(await command(s, USERS.carol.id, 'audit plan')).toBe(200);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('audit.plan');
    const answers = { title: 'Recruitment AI audit', scope_clauses: '9.2, 6.1.2', scope_controls: 'A.6.2.4', sample_high: '1', sample_limited: '0', sample_minimal: '0', auditors: [USERS.dana.id], planned_for: '2026-10-20' };
    expect((await submit(s, USERS.carol.id, view, answers)).response_action).toBeUndefined();
    await s.settle();
    const [audit] = await s.deps.db.select().from(internalAudits);
    expect(audit).toBeDefined();
    auditRef = flows.auditRefOf(audit!);
    expect(auditRef).toBe('IA-2026-1');
    expect(ephemerals().some((t) => t.includes(`Planned ${auditRef}`))).toBe(true);
    const asked = dmsTo(USERS.bob.id, auditRef);
    expect(asked).toHaveLength(1);
    expect(json(asked[0]!.params.blocks)).toContain('"action_id":"task.done"');
  });

  it('the owner answers the evidence request with task.done and evidence', async () => {
    s.clock.set('2026-10-06T09:00:00Z');
    const [request] = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'));
    const view = await openModal('task.done', flows.taskRef(request!.number), USERS.bob.id);
    await submit(s, USERS.bob.id, view, { evidence: 'https://wiki.example/cv-screen/bias-tests' });
    const [after] = await s.deps.db.select().from(tasks).where(eq(tasks.id, request!.id));
    expect(after).toMatchObject({ status: 'done', evidence: 'https://wiki.example/cv-screen/bias-tests' });
  });

  it('the auditor records a minor_nc with finding.record, which opens an NC owned by the system owner', async () => {
    s.clock.set('2026-10-20T10:00:00Z');
    const view = await openModal('finding.record', auditRef, USERS.dana.id);
    s.fake.reset();
    await submit(s, USERS.dana.id, view, { subject: systemRef, kind: 'minor_nc', text: 'Bias tests are not repeated after model updates', evidence: 'Test log of 2026-09' });
    await s.settle();
    const findings = await s.deps.db.select().from(auditFindings);
    expect(findings).toHaveLength(1);
    const row = await nc();
    expect(row).toMatchObject({ source: 'audit', severity: 'minor', status: 'open', findingId: findings[0]!.id });
    ncRef = flows.ncRef(row.number);
    expect(ephemerals().some((t) => t.includes(`Recorded ${auditRef}/F-1 and opened nonconformity ${ncRef}`))).toBe(true);
    // The owner of the system owns the NC and is told where they work.
    expect(dmsTo(USERS.bob.id, ncRef).length).toBeGreaterThan(0);
  });

  it('nc-reminders chases the missing containment once, however often it runs', async () => {
    const first = await remind('2026-10-28T10:00:00Z');
    expect(first.filter((c) => isDm(String(c.params.channel), USERS.bob.id) && json(c.params).includes('no containment'))).toHaveLength(1);
    const again = await remind('2026-10-29T10:00:00Z');
    expect(again.filter((c) => json(c.params).includes('no containment'))).toHaveLength(0);
  });

  it('containment, root cause and a corrective action; the action done with evidence moves the NC to verifying', async () => {
    s.clock.set('2026-10-29T11:00:00Z');
    let view = await openModal('nc.containment', ncRef, USERS.bob.id);
    await submit(s, USERS.bob.id, view, { containment: 'Froze model updates until tests run' });
    view = await openModal('nc.root_cause', ncRef, USERS.bob.id);
    await submit(s, USERS.bob.id, view, { root_cause: 'The release checklist has no bias-test step' });
    view = await openModal('nc.add_action', ncRef, USERS.bob.id);
    await submit(s, USERS.bob.id, view, { title: 'Add bias tests to the release checklist', assignee: USERS.bob.id, due_date: '2026-11-15' });
    expect((await nc()).status).toBe('action_planned');
    const [action] = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));
    expect(action).toMatchObject({ status: 'open', subjectType: 'nc' });

    // The corrective action is a task: task-reminders run twice reminds its assignee once.
    const actionRef = flows.taskRef(action!.number);
    for (const day of ['2026-11-09T09:00:00Z', '2026-11-09T09:00:00Z']) {
      s.clock.set(day);
      await flows.runTaskReminders(s.deps, new Date(day));
    }
    s.fake.reset();
    await s.settle();
    const reminded = dmsTo(USERS.bob.id, 'Mark it done with evidence');
    expect(reminded).toHaveLength(1);
    expect(json(reminded[0]!.params)).toContain(`"value":"${actionRef}"`);

    s.clock.set('2026-11-10T09:00:00Z');
    view = await openModal('task.done', actionRef, USERS.bob.id);
    await submit(s, USERS.bob.id, view, { evidence: 'https://wiki.example/release-checklist' });
    await s.settle();
    expect((await nc()).status).toBe('verifying');
    expect(dmsTo(USERS.bob.id, 'verify their effectiveness').length).toBe(1);
  });

  it('the due verification is chased once to the owner and the compliance channel, however often the job runs', async () => {
    const due = (await nc()).effectivenessDueAt!;
    expect(due).toBeInstanceOf(Date);
    const at = new Date(due.getTime() + 3_600_000).toISOString();
    const first = await remind(at);
    const chased = first.filter((c) => json(c.params).includes(`effectiveness check of nonconformity ${ncRef}`));
    expect(chased.map((c) => (isDm(String(c.params.channel), USERS.bob.id) ? 'dm' : c.params.channel)).sort()).toEqual([COMPLIANCE, 'dm']);
    expect(chased.every((c) => json(c.params.blocks).includes('"action_id":"nc.verify"'))).toBe(true);
    const again = await remind(new Date(due.getTime() + 86_400_000).toISOString());
    expect(again.filter((c) => json(c.params).includes(`effectiveness check of nonconformity ${ncRef}`))).toHaveLength(0);
  });

  it('verified effective, the closure chased once, closed by compliance', async () => {
    const due = (await nc()).effectivenessDueAt!;
    s.clock.set(new Date(due.getTime() + 2 * 86_400_000));
    const view = await openModal('nc.verify', ncRef, USERS.bob.id);
    await submit(s, USERS.bob.id, view, { effective: 'yes' });
    expect(await nc()).toMatchObject({ effective: true, status: 'verifying' });
    const at = new Date(due.getTime() + 3 * 86_400_000).toISOString();
    const first = await remind(at);
    expect(first.filter((c) => c.params.channel === COMPLIANCE && json(c.params).includes('can be closed'))).toHaveLength(1);
    const again = await remind(new Date(due.getTime() + 4 * 86_400_000).toISOString());
    expect(again.filter((c) => json(c.params).includes('can be closed'))).toHaveLength(0);
    await click('nc.close', ncRef, USERS.carol.id);
    const closed = await nc();
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBeInstanceOf(Date);
    // Nothing is left to chase.
    const after = await remind(new Date(due.getTime() + 10 * 86_400_000).toISOString());
    expect(after.filter((c) => json(c.params).includes(ncRef))).toHaveLength(0);
  });

  it('compliance gets the audit report, which names the finding and the NC it opened', async () => {
    s.fake.reset();
    expect(await command(s, USERS.carol.id, `export audit-report ${auditRef}`)).toBe(200);
    await s.settle();
    const report = s.fake.files.find((f) => f.filename === `audit-report-${auditRef}.md`)!.bytes!.toString('utf8');
    expect(report).toContain(`${auditRef}/F-1`);
    expect(report).toContain(ncRef);
  });

  it('a serious incident on the high-risk system is reported in the same workspace and opens its own NC', async () => {
    s.clock.set('2026-11-28T09:00:00Z');
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `incident ${systemRef}`)).toBe(200);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('incident.report');
    const occurred = flows.localDateTime(new Date('2026-11-27T15:00:00Z'), 'UTC').slice(0, 16);
    expect(await submit(s, USERS.mallory.id, view, { occurred_at: occurred, description: 'Rejected every applicant over 50', harm: 'to_rights', people_affected: '40' })).toEqual({});
    await s.settle();
    const [inc] = await s.deps.db.select().from(incidents);
    expect(inc).toMatchObject({ number: 1, serious: true });
    const [incNc] = await s.deps.db.select().from(nonconformities).where(eq(nonconformities.source, 'incident'));
    expect(incNc).toMatchObject({ severity: 'major', status: 'open' });
    expect(inChannel('C0APPROVALS', 'INC-1').length + inChannel(COMPLIANCE, 'INC-1').length).toBeGreaterThan(0);
  });

  it('the management review pack is posted once with decoded charts and a PDF, and tells the whole story', async () => {
    s.clock.set('2026-12-01T09:00:00Z');
    s.fake.reset();
    expect(await command(s, USERS.carol.id, 'management-review')).toBe(200);
    expect(String(s.fake.callsOf('response_url').at(-1)!.params.text)).toContain('Management review MR-2026-Q4 generated');
    s.clock.advance(1500);
    await s.settle();
    const posts = inChannel(COMPLIANCE, 'Management review pack MR-2026-Q4');
    expect(json(posts[0]?.params)).toContain('Audits: 1; incidents: 1 (1 serious)');
    expect(posts).toHaveLength(1);
    const shared = s.fake.files.filter((f) => f.shared && f.filename.startsWith('mr-'));
    expect(shared.map((f) => f.filename).sort()).toEqual(['mr-2026-q4-inventory-by-class.png', 'mr-2026-q4-nc-ageing.png', 'mr-2026-q4-review-timeliness.png', 'mr-2026-q4.md', 'mr-2026-q4.pdf']);
    for (const png of shared.filter((f) => f.filename.endsWith('.png'))) {
      const size = decodePng(png.bytes!);
      expect(size.width).toBeGreaterThan(400);
      expect(size.height).toBeGreaterThan(100);
    }
    const pdf = shared.find((f) => f.filename.endsWith('.pdf'))!.bytes!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    const md = shared.find((f) => f.filename.endsWith('.md'))!.bytes!.toString('utf8');
    const section = (n: number) => md.slice(md.indexOf(`## ${n}.`), md.indexOf(`## ${n + 1}.`));
    // The audit with its minor NC finding, the NC it opened (now closed) and the incident with its NC.
    expect(section(5)).toContain(auditRef);
    expect(section(5)).toContain('1 minor NC');
    expect(section(5)).toMatch(new RegExp(`${auditRef}/F-1 \\(minor_nc, AI\\\\?-\\d+\\) Bias tests are not repeated after model updates — opened ${ncRef} \\(closed\\)`));
    expect(section(4)).toMatch(/2 opened and 1 closed in the period/);
    expect(section(4)).toContain('1 done');
    expect(section(6)).toContain('1 incident(s) in the period, 1 serious');
    expect(section(6)).toContain('INC-1');
    // The job run twice after the command posts nothing more.
    s.fake.reset();
    await flows.runManagementReview(s.deps, s.clock.now());
    await flows.runManagementReview(s.deps, s.clock.now());
    await s.settle();
    expect(inChannel(COMPLIANCE, 'Management review pack')).toHaveLength(0);
    expect(await s.deps.db.select().from(managementReviews)).toHaveLength(1);
  });
});
