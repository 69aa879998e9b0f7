/**
 * Internal audits through botbuilder against the fake Bot Connector: compliance plans an audit
 * on the `audit.plan` card (an owner as auditor comes back under the input; Plan clicked several
 * times plans once), the sampled system's owner gets the evidence request card and answers it
 * with `task.done`, a non-auditor is refused, the auditor records a `minor_nc` on the
 * `finding.record` card (once however often it is sent) which opens an NC, and compliance gets
 * the report in personal chat. Hostile text is escaped on the cards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, internalAudits, nonconformities } from '../../db/schema-improve';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { auditCard } from '../../adapters/teams/audits';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE, cardHazards } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { TENANT, buttons, cardOf, cardText, inputs, people, startTeamsBench } from '../helpers/teams-harness';

type Json = Record<string, unknown>;

describe('Teams: internal audits', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let ref = '';
  let auditRef = '';
  const plannedFor = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const sentTo = (u: TeamsUser, needle: string) =>
    bench.fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && (c.conversationId ?? '').startsWith(`a:personal-${u.aad}`) && JSON.stringify(c.body ?? '').includes(needle));
  const plan = (auditors: string) => ({ title: `Risk audit ${HOSTILE}`, scope_clauses: '9.2', scope_controls: 'A.6.2.4', sample_high: '1', sample_limited: '0', sample_minimal: '0', auditors, planned_for: plannedFor });

  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    for (const u of [people.bob, people.compliance, people.compliance2, people.mallory]) await bench.installPersonal(u);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    ref = r.system.ref;
    for (const u of [people.bob, people.compliance, people.dpo]) await flows.decideForSystem(await ctxOf(u), ref, 'approve');
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('compliance plans an audit on the card; an owner as auditor is refused under the input; Plan clicked again plans once', async () => {
    expect(cardText(await bench.say(people.bob, 'audit plan'))).toMatch(/Only the compliance group can plan internal audits/);
    const card = await bench.say(people.compliance, 'audit plan');
    expect(inputs(card).map((i) => i.id)).toEqual(flows.AUDIT_PLAN_FIELDS.map((f) => f.id));
    const submit = buttons(card).find((b) => b.data.action === 'audit.plan')!;
    const bad = await bench.execute(people.compliance, { ...submit.data, ...plan(people.bob.aad) });
    expect(cardText(bad)).toContain(`owns ${ref} "CV Screen"`);
    expect(await bench.db.db.select().from(internalAudits)).toHaveLength(0);
    const invalid = await bench.execute(people.compliance, { ...submit.data, ...plan(people.compliance2.aad), sample_high: '-2' });
    expect(cardText(invalid)).toContain('whole number');
    const results = await Promise.all(Array.from({ length: 3 }, () => bench.execute(people.compliance, { ...submit.data, ...plan(people.compliance2.aad) })));
    const texts = results.map(cardText);
    expect(texts.filter((t) => t.includes('Planned IA-'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('already planned from this form'))).toHaveLength(2);
    const audits = await bench.db.db.select().from(internalAudits);
    expect(audits).toHaveLength(1);
    auditRef = flows.auditRefOf(audits[0]!);
    expect(await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.planned'))).toHaveLength(1);
  });

  it('the owner gets the evidence request card and answers it with task.done', async () => {
    await bench.drain();
    const [request] = await bench.db.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'));
    const taskRef = flows.taskRef(request!.number);
    const sent = sentTo(people.bob, auditRef);
    expect(sent).toHaveLength(1);
    const done = buttons(cardOf(sent[0]!.body as Json)).find((b) => b.data.action === 'task.done')!;
    expect(done.data.ref).toBe(taskRef);
    const form = await bench.execute(people.bob, done.data);
    const save = buttons(form).find((b) => b.data.action === 'task.done')!;
    await bench.execute(people.bob, { ...save.data, evidence: 'https://wiki.example/cv-screen/bias-tests' });
    expect((await bench.db.db.select().from(tasks).where(eq(tasks.id, request!.id)))[0]).toMatchObject({ status: 'done', evidence: 'https://wiki.example/cv-screen/bias-tests' });
  });

  it('a non-auditor is refused; the auditor records a minor_nc once and an NC is opened', async () => {
    expect(cardText(await bench.say(people.mallory, `finding ${auditRef}`))).toMatch(/Only the auditors of/);
    expect(cardText(await bench.execute(people.mallory, { action: 'finding.record', audit: auditRef, token: 'forged-token-1', submit: true, subject: ref, kind: 'minor_nc', text: 'x' }))).toMatch(/Only the auditors of/);
    const seen = await bench.say(people.compliance2, `audit ${auditRef}`);
    expect(cardText(seen)).toContain('done');
    const open = buttons(seen).find((b) => b.data.action === 'finding.record')!;
    const form = await bench.execute(people.compliance2, open.data);
    expect(inputs(form).map((i) => i.id)).toEqual(['subject', 'kind', 'text', 'evidence']);
    const record = buttons(form).find((b) => b.data.action === 'finding.record')!;
    const answers = { subject: ref, kind: 'minor_nc', text: `Bias tests are not repeated after updates ${HOSTILE}`, evidence: 'Test log' };
    const results = await Promise.all(Array.from({ length: 3 }, () => bench.execute(people.compliance2, { ...record.data, ...answers })));
    expect(results.map(cardText).filter((t) => /Recorded IA-\d{4}-\d+\/F-1 and opened nonconformity NC-\d+/.test(t))).toHaveLength(1);
    expect(await bench.db.db.select().from(auditFindings)).toHaveLength(1);
    const ncs = await bench.db.db.select().from(nonconformities);
    expect(ncs).toHaveLength(1);
    expect(ncs[0]!.ownerId).toBe((await ctxOf(people.bob)).actor.id);
    const v = await flows.auditView(await ctxOf(people.compliance2), auditRef);
    if (v.kind !== 'audit') throw new Error(v.message);
    expect(cardHazards(auditCard(v))).toEqual([]);
  });

  it('compliance gets the report in personal chat; the audit is reported', async () => {
    expect(cardText(await bench.say(people.bob, `export audit-report ${auditRef}`))).toMatch(/Only the compliance group/);
    const report = await bench.say(people.compliance, `export audit-report ${auditRef}`);
    expect(cardText(report)).toContain(`audit-report-${auditRef}.md`);
    expect(cardText(report)).toContain('Internal audit report');
    expect((await bench.db.db.select().from(internalAudits))[0]!.status).toBe('reported');
    expect(cardHazards(report)).toEqual([]);
    const open = (report.actions as Array<{ type: string; url?: string }> | undefined)?.find((a) => a.type === 'Action.OpenUrl');
    expect(open?.url).toMatch(/\/api\/audit-report\//);
    const res = await fetch(open!.url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`audit-report-${auditRef}.md`);
    expect(await res.text()).toContain(`# Internal audit report ${auditRef}`);
    expect((await fetch(open!.url!.replace('/api/audit-report/', '/api/audit-report/9'))).status).toBe(404);
    expect(await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.reported'))).toHaveLength(1);
  });
});
