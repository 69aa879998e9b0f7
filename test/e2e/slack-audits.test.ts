/**
 * Internal audits through real Bolt with signed requests against the fake Slack Web API:
 * compliance plans an audit with `/aims audit plan` and the `audit.plan` modal (an owner as
 * auditor is refused at the field; replayed and raced submissions plan once), the sampled
 * system's owner gets the evidence request in a DM and answers it with `task.done`, a
 * non-auditor is refused, the auditor records a `minor_nc` with `finding.record` (once, however
 * often it is sent) and an NC is opened, and compliance gets the report as a file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, internalAudits, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { renderAudit } from '../../adapters/slack/audits';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, slackHazards } from '../helpers/hostile-text';
import { blockAction, fillView, signatureHeaders, viewSubmission } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = Parameters<typeof submit>[2];
const json = (v: unknown) => JSON.stringify(v ?? null);

describe('Slack: internal audits', () => {
  let s: SlackTestServer;
  let systemRef = '';
  let auditRef = '';
  const plannedFor = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const lastReply = () => s.fake.callsOf('response_url').at(-1)?.params as { text: string; blocks?: unknown[] } | undefined;
  const ephemerals = () => s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));
  const click = async (actionId: string, value: string, user: string) => {
    const res = await s.send(blockAction({ actionId, value, user, channel: `D${user}`, messageTs: '1700000000.000300', responseUrl: `${s.fake.responseBase}/click-${user}` }));
    expect(res.status).toBe(200);
    await s.settle();
  };
  const plan = (auditors: string[]) => ({ title: `Risk audit ${HOSTILE}`, scope_clauses: '9.2, 6.1.2', scope_controls: 'A.6.2.4', sample_high: '1', sample_limited: '0', sample_minimal: '0', auditors, planned_for: plannedFor });

  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    systemRef = seeded.system.ref;
    const deciders = [USERS.bob.id, USERS.carol.id, USERS.dpo.id];
    for (const [i, step] of seeded.steps.entries()) await clickStep(s, deciders[i]!, 'approval.approve', step);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses audit plan outside compliance without opening the modal', async () => {
    s.fake.reset();
    expect(await command(s, USERS.bob.id, 'audit plan')).toBe(200);
    expect(lastReply()?.text).toMatch(/Only the compliance group can plan internal audits/);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
  });

  it('compliance plans an audit from the modal; an owner as auditor is refused at the field; replays plan once', async () => {
    s.fake.reset();
    expect(await command(s, USERS.carol.id, 'audit plan')).toBe(200);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('audit.plan');
    const ids = (view.blocks as Array<{ type: string; block_id?: string; element?: { action_id?: string } }>).filter((b) => b.type === 'input').map((b) => [b.block_id, b.element?.action_id]);
    expect(ids).toEqual(flows.AUDIT_PLAN_FIELDS.map((f) => [f.id, f.id]));
    const bad = await submit(s, USERS.carol.id, view, { ...plan([USERS.dana.id]), sample_high: 'x', planned_for: '2020-01-01' });
    expect(bad).toMatchObject({ response_action: 'errors', errors: { sample_high: expect.stringContaining('whole number'), planned_for: expect.stringContaining('or later') } });
    const partial = await submit(s, USERS.carol.id, view, plan([USERS.bob.id]));
    expect(partial).toMatchObject({ response_action: 'errors', errors: { auditors: expect.stringContaining(`owns ${systemRef} "CV Screen"`) } });
    expect(await s.deps.db.select().from(internalAudits)).toHaveLength(0);

    const req = viewSubmission({ user: USERS.carol.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, plan([USERS.dana.id])), blocks: view.blocks });
    const first = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders(req.body, undefined, first);
    expect((await s.send(req, headers)).status).toBe(200);
    expect((await s.send(req, headers)).status).toBe(401);
    const raced = await Promise.all(Array.from({ length: 3 }, (_, i) => s.send(req, signatureHeaders(req.body, undefined, first - i - 1))));
    expect(raced.every((r) => r.status === 200)).toBe(true);
    await s.settle();
    const audits = await s.deps.db.select().from(internalAudits);
    expect(audits).toHaveLength(1);
    auditRef = flows.auditRefOf(audits[0]!);
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.planned'))).toHaveLength(1);
    expect(await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'))).toHaveLength(1);
    expect(ephemerals().some((t) => t.includes(`Planned ${auditRef}`))).toBe(true);
  });

  it('the owner gets the evidence request in a DM and answers it with task.done', async () => {
    const [request] = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'));
    const ref = flows.taskRef(request!.number);
    const dm = s.fake.callsOf('chat.postMessage').filter((c) => [USERS.bob.id, `D${USERS.bob.id}`].includes(String(c.params.channel)) && json(c.params.blocks).includes(auditRef));
    expect(dm).toHaveLength(1);
    expect(json(dm[0]!.params.blocks)).toContain('"action_id":"task.done"');
    s.fake.reset();
    await click('task.done', ref, USERS.bob.id);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('task.done');
    await submit(s, USERS.bob.id, view, { evidence: 'https://wiki.example/cv-screen/bias-tests' });
    const [after] = await s.deps.db.select().from(tasks).where(eq(tasks.id, request!.id));
    expect(after).toMatchObject({ status: 'done', evidence: 'https://wiki.example/cv-screen/bias-tests' });
  });

  it('a non-auditor is refused a finding; the auditor sees the audit with the finding button', async () => {
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `finding ${auditRef}`)).toBe(200);
    expect(lastReply()?.text).toMatch(/Only the auditors of/);
    expect(await command(s, USERS.mallory.id, `audit ${auditRef}`)).toBe(200);
    expect(lastReply()?.text).toMatch(/Only compliance and the auditors/);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(await command(s, USERS.dana.id, `audit ${auditRef}`)).toBe(200);
    const reply = json(lastReply()?.blocks);
    expect(reply).toContain('"action_id":"finding.record"');
    expect(reply).toContain('done');
    expect(reply).not.toContain('<!channel>');
    const v = await flows.auditView(await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.dana.id}` }), auditRef);
    if (v.kind !== 'audit') throw new Error(v.message);
    expect(slackHazards(renderAudit(v), /^$/)).toEqual([]);
  });

  it('the auditor records a minor_nc once, however often it is sent, and an NC is opened', async () => {
    s.fake.reset();
    await click('finding.record', auditRef, USERS.dana.id);
    const view = lastOpenedView(s) as View;
    expect(view.callback_id).toBe('finding.record');
    const answers = { subject: systemRef, kind: 'minor_nc', text: `Bias tests are not repeated after updates ${HOSTILE}`, evidence: 'Test log' };
    const req = viewSubmission({ user: USERS.dana.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks });
    const first = Math.floor(Date.now() / 1000);
    expect((await s.send(req, signatureHeaders(req.body, undefined, first))).status).toBe(200);
    const raced = await Promise.all(Array.from({ length: 3 }, (_, i) => s.send(req, signatureHeaders(req.body, undefined, first - i - 1))));
    expect(raced.every((r) => r.status === 200)).toBe(true);
    await s.settle();
    const findings = await s.deps.db.select().from(auditFindings);
    expect(findings).toHaveLength(1);
    const ncs = await s.deps.db.select().from(nonconformities);
    expect(ncs).toHaveLength(1);
    expect(ncs[0]).toMatchObject({ source: 'audit', severity: 'minor', findingId: findings[0]!.id });
    expect((await s.deps.db.select().from(internalAudits))[0]!.status).toBe('fieldwork');
    expect(ephemerals().some((t) => t.includes(`Recorded ${auditRef}/F-1 and opened nonconformity NC-`))).toBe(true);
  });

  it('compliance gets the audit report as a file; the audit is reported', async () => {
    s.fake.reset();
    expect(await command(s, USERS.dana.id, 'export audits csv')).toBe(200);
    expect(lastReply()?.text).toMatch(/Sent audits-\d{4}-\d{2}-\d{2}\.csv/);
    expect(await command(s, USERS.bob.id, `export audit-report ${auditRef}`)).toBe(200);
    expect(lastReply()?.text).toMatch(/Only the compliance group can write an audit report/);
    expect(await command(s, USERS.carol.id, `export audit-report ${auditRef}`)).toBe(200);
    expect(lastReply()?.text).toContain(`Sent audit-report-${auditRef}.md`);
    expect(s.fake.callsOf('files.completeUploadExternal')).toHaveLength(2);
    expect((await s.deps.db.select().from(internalAudits))[0]!.status).toBe('reported');
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.reported'))).toHaveLength(1);
  });
});
