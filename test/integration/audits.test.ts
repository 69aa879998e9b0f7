/**
 * Internal audits on both databases: the plan form validated once, the risk-weighted sample drawn
 * again from the stored seed, impartiality (owners and approvers of a sampled system refused),
 * evidence requests as tasks with their notice, findings (the first moves the audit to
 * fieldwork; a minor nonconformity opens an NC), replays, the report and the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { aiSystems, auditEvents, notifications } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, internalAudits, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import type { FlowContext } from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors } from '../helpers/flows';

const plan = (extra: Record<string, string | string[]> = {}) => ({
  title: 'Risk process audit',
  scope_clauses: '6.1.2, 8.2, 9.2',
  scope_controls: 'A.6.2.4, a.5.4',
  sample_high: '1',
  sample_limited: '2',
  sample_minimal: '1',
  auditors: 'shell:cora',
  planned_for: '2026-12-15',
  ...extra,
});

describe.each(DB_KINDS)('internal audits on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-12-01T09:00:00Z');
  let alice: FlowContext, bob: FlowContext, carol: FlowContext, cora: FlowContext, pat: FlowContext, mallory: FlowContext;
  let highRef = '';
  const classOf = new Map<number, string>();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, clock);
    [alice, bob, carol, cora, pat, mallory] = await Promise.all([as('alice'), as('bob'), as('carol'), as('cora'), as('pat'), as('mallory')]);
    const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    highRef = r.system.ref;
    for (const who of [bob, carol, pat, carol]) await flows.decideForSystem(who, highRef, 'approve');
    classOf.set(r.system.id, 'high');
    // A pool of approved systems in every class (owned by alice, decided by nobody).
    const pool: Array<[string, string]> = [['high', 'Fraud score'], ['limited', 'Chat helper'], ['limited', 'Voice bot'], ['limited', 'Image tagger'], ['minimal', 'Spell check'], ['minimal', 'Translator'], ['minimal', 'Summariser']];
    for (const [cls, name] of pool) {
      const s = await flows.register(alice, { fields: fieldsFor(name, 'shell:alice'), answers: minimalAnswers });
      if (s.kind !== 'registered') throw new Error(s.kind);
      await database.db.update(aiSystems).set({ status: 'approved', riskClass: cls }).where(eq(aiSystems.id, s.system.id));
      classOf.set(s.system.id, cls);
    }
    // Not live: a retired limited system is never sampled.
    const retired = await flows.register(alice, { fields: fieldsFor('Old bot', 'shell:alice'), answers: minimalAnswers });
    if (retired.kind !== 'registered') throw new Error(retired.kind);
    await database.db.update(aiSystems).set({ status: 'retired', riskClass: 'limited' }).where(eq(aiSystems.id, retired.system.id));
  });
  afterAll(async () => database?.destroy());

  it('drawSample is pure, risk-weighted and independent of input order', () => {
    const systems = [
      { id: 1, riskClass: 'minimal' },
      { id: 2, riskClass: 'high' },
      { id: 3, riskClass: 'limited' },
      { id: 4, riskClass: 'high' },
      { id: 5, riskClass: 'limited' },
      { id: 6, riskClass: 'minimal' },
      { id: 7, riskClass: 'prohibited' },
    ];
    const sizes = { high: 5, limited: 1, minimal: 1 };
    const a = flows.drawSample(systems, sizes, 'seed-1');
    expect(flows.drawSample([...systems].reverse(), sizes, 'seed-1')).toEqual(a);
    expect(a.slice(0, 2).sort()).toEqual([2, 4]);
    expect([3, 5]).toContain(a[2]);
    expect([1, 6]).toContain(a[3]);
    expect(a).toHaveLength(4);
    // Different seeds give different orders at least sometimes.
    const orders = new Set(Array.from({ length: 20 }, (_, i) => flows.drawSample(systems, { high: 2, limited: 2, minimal: 2 }, `s${i}`).join(',')));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('refuses bad plans with a message per field and changes nothing', async () => {
    const r = await flows.planAudit(carol, plan({ title: '', scope_clauses: '9.2, 11.4', scope_controls: 'A.99.1, X-7', sample_high: '-1', sample_limited: 'two', auditors: '', planned_for: '2026-02-30' }));
    if (r.kind !== 'refused') throw new Error('planned');
    const fields = (r.errors ?? []).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'scope_clauses', 'scope_controls', 'sample_high', 'sample_limited', 'auditors', 'planned_for']));
    expect(r.message).toMatch(/"11\.4" is not a clause/);
    const past = await flows.planAudit(carol, plan({ planned_for: '2026-11-30' }));
    expect(past.kind === 'refused' && past.message).toMatch(/planned_for: must be today \(2026-12-01\) or later/);
    const unknownX = await flows.planAudit(carol, plan({ scope_controls: 'X-3' }));
    expect(unknownX.kind === 'refused' && unknownX.message).toMatch(/X-3 is not in the control register/);
    const notCompliance = await flows.planAudit(mallory, plan());
    expect(notCompliance.kind === 'refused' && notCompliance.code).toBe('not_authorised');
    expect(await database.db.select().from(internalAudits)).toHaveLength(0);
  });

  it('refuses an auditor who owns or approved a sampled system (9.2.2)', async () => {
    const owner = await flows.planAudit(carol, plan({ auditors: 'shell:bob', sample_high: '2' }));
    expect(owner.kind === 'refused' && owner.message).toMatch(new RegExp(`bob owns ${highRef} "CV Screen"`));
    const approver = await flows.planAudit(carol, plan({ auditors: 'shell:cora, shell:carol', sample_high: '2' }));
    expect(approver.kind === 'refused' && approver.message).toMatch(new RegExp(`carol decided an approval step of ${highRef} "CV Screen"`));
    expect(await database.db.select().from(internalAudits)).toHaveLength(0);
    expect(await database.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'))).toHaveLength(0);
  });

  let auditRef = '';
  it('plans an audit: risk-weighted sample reproducible from the stored seed, evidence requests to owners', async () => {
    const r = await flows.planAudit(carol, plan({ sample_high: '5' }), { token: 'form-1' });
    if (r.kind !== 'planned') throw new Error(r.message);
    auditRef = r.ref;
    expect(r.ref).toBe('IA-2026-1');
    const [row] = await database.db.select().from(internalAudits);
    expect(row!.status).toBe('planned');
    // Both high-risk systems first, then two of three limited, then one minimal.
    expect(row!.sample.map((id) => classOf.get(id))).toEqual(['high', 'high', 'limited', 'limited', 'minimal']);
    const live = (await database.db.select().from(aiSystems).where(eq(aiSystems.status, 'approved'))).map((s) => ({ id: s.id, riskClass: s.riskClass }));
    expect(flows.drawSample(live, row!.sampleSizes, row!.sampleSeed)).toEqual(row!.sample);
    expect(row!.scope).toEqual({ clauses: ['6.1.2', '8.2', '9.2'], controls: ['A.6.2.4', 'A.5.4'], systems: [] });
    const requests = await database.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'));
    expect(requests).toHaveLength(5);
    expect(requests.every((t) => t.dueDate === '2026-12-14' && t.subjectType === 'audit' && t.subjectId === row!.id)).toBe(true);
    const highTask = requests.find((t) => t.systemId === row!.sample[0] || t.systemId === row!.sample[1]);
    expect(highTask).toBeDefined();
    const notices = await database.db.select().from(notifications).where(and(eq(notifications.kind, 'task.reminder'), inArray(notifications.dedupeKey, requests.map((t) => `task.evidence_request:${t.id}`))));
    expect(notices).toHaveLength(5);
    expect(notices.some((n) => JSON.stringify(n.recipient) === JSON.stringify({ person: bob.actor.id }))).toBe(true);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.planned'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ sample_seed: row!.sampleSeed, planned_for: '2026-12-15' });
    expect(row!.sampleSeed).toMatch(/^[0-9a-f]{32}$/);
        // The same form again plans nothing more.
    const again = await flows.planAudit(carol, plan({ sample_high: '5' }), { token: 'form-1' });
    expect(again.kind === 'planned' && again.created).toBe(false);
    expect(await database.db.select().from(internalAudits)).toHaveLength(1);
    expect(await database.db.select().from(tasks).where(eq(tasks.kind, 'evidence_request'))).toHaveLength(5);
  });

  it('the owner answers the evidence request with task.done', async () => {
    const [row] = await database.db.select().from(internalAudits);
    const [t] = await database.db.select().from(tasks).where(and(eq(tasks.kind, 'evidence_request'), eq(tasks.assigneeId, bob.actor.id)));
    const done = await flows.completeTask(bob, flows.taskRef(t!.number), 'https://wiki.example/cv-screen/bias-tests');
    expect(done.kind).toBe('closed');
    const v = await flows.auditView(carol, auditRef);
    if (v.kind !== 'audit') throw new Error(v.message);
    const mine = v.sample.find((s) => s.ref === highRef)!;
    expect(mine.request).toMatchObject({ status: 'done', evidence: 'https://wiki.example/cv-screen/bias-tests' });
    expect(v.sampleSeed).toBe(row!.sampleSeed);
    expect(v.criteria.clauses[2]).toEqual({ id: '9.2', title: 'Internal audit' });
    expect(v.canRecordFinding).toBe(false);
  });

  it('only the auditors see the audit besides compliance, and only they record findings', async () => {
    expect((await flows.auditView(mallory, auditRef)).kind).toBe('refused');
    const v = await flows.auditView(cora, auditRef);
    expect(v.kind === 'audit' && v.canRecordFinding).toBe(true);
    const r = await flows.recordFinding(carol, auditRef, { subject: highRef, kind: 'minor_nc', text: 'No bias test', evidence: '' });
    expect(r.kind === 'refused' && r.code).toBe('not_authorised');
    const other = await flows.auditView(carol, 'IA-2026-9');
    expect(other.kind === 'refused' && other.code).toBe('not_found');
    // Another workspace's compliance officer does not find this workspace's audit.
    const elsewhere = await actors(database.db, clock, undefined, 'shell', 'other-team').as('carol');
    const foreign = await flows.auditView(elsewhere, auditRef);
    expect(foreign.kind === 'refused' && foreign.code).toBe('not_found');
    expect((await flows.auditReportForChat(elsewhere, auditRef)).kind).toBe('refused');
  });

  it('a minor_nc finding opens an NC owned by the system owner and moves the audit to fieldwork', async () => {
    const bad = await flows.recordFinding(cora, auditRef, { subject: '7.9', kind: 'major', text: '' });
    expect(bad.kind === 'refused' && (bad.errors ?? []).map((e) => e.field).sort()).toEqual(['kind', 'subject', 'text']);
    const r = await flows.recordFinding(cora, auditRef, { subject: highRef, kind: 'minor_nc', text: 'Bias tests are not repeated after model updates', evidence: 'Test log of 2026-03' }, { token: 'f-1' });
    if (r.kind !== 'recorded') throw new Error(r.message);
    expect(r.ref).toBe(`${auditRef}/F-1`);
    expect(r.nc?.ref).toMatch(/^NC-\d+$/);
    const [nc] = await database.db.select().from(nonconformities);
    expect(nc).toMatchObject({ source: 'audit', severity: 'minor', ownerId: bob.actor.id, findingId: r.finding.id, dedupeKey: `finding:${r.finding.id}` });
    expect((await database.db.select().from(internalAudits))[0]!.status).toBe('fieldwork');
    const again = await flows.recordFinding(cora, auditRef, { subject: highRef, kind: 'minor_nc', text: 'Bias tests are not repeated after model updates' }, { token: 'f-1' });
    expect(again.kind === 'recorded' && again.created).toBe(false);
    const obs = await flows.recordFinding(cora, auditRef, { subject: '9.2', kind: 'observation', text: '=HYPERLINK("x") <!channel>' });
    expect(obs.kind === 'recorded' && obs.ref).toBe(`${auditRef}/F-2`);
    expect(await database.db.select().from(auditFindings)).toHaveLength(2);
    expect(await database.db.select().from(nonconformities)).toHaveLength(1);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.finding_recorded'))).toHaveLength(2);
  });

  it('writes the report once (reported), then refuses findings; the export has a row per finding', async () => {
    expect((await flows.auditReportForChat(bob, auditRef)).kind).toBe('refused');
    const r = await flows.auditReportForChat(carol, auditRef);
    if (r.kind !== 'report') throw new Error(r.message);
    expect(r.reported).toBe(true);
    expect(r.markdown).toContain('# Internal audit report IA-2026-1');
    expect(r.markdown).toContain('| Clause 9.2 | Internal audit |');
    expect(r.markdown).toContain('### Minor nonconformity (1)');
    expect(r.markdown).toMatch(/conforms with exceptions: 1 minor nonconformity/);
    expect(r.markdown).not.toContain('<!channel>');
    const again = await flows.auditReportForChat(carol, auditRef);
    expect(again.kind === 'report' && again.reported).toBe(false);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.reported'))).toHaveLength(1);
    expect((await database.db.select().from(internalAudits))[0]!.status).toBe('reported');
    const late = await flows.recordFinding(cora, auditRef, { subject: '9.2', kind: 'ofi', text: 'Later' });
    expect(late.kind === 'refused' && late.code).toBe('closed');
    const file = await flows.auditsExportFile(carol, 'csv');
    if (file.kind !== 'file') throw new Error(file.message);
    expect(file.rows).toBe(2);
    expect(file.content).toContain("'=HYPERLINK");
    expect((await flows.auditsExportFile(mallory, 'csv')).kind).toBe('refused');
  });
});
