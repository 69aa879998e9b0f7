/**
 * Incidents on both databases: the Art. 26(5)/73 clocks per case (general 15 days, death 10,
 * critical infrastructure or widespread 2), none for a non-serious incident or a system that is
 * not high-risk, the default seriousness rule, the nonconformity opened once, the notice to
 * compliance, recording the steps (replay-safe, who may), validation, scoping and the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import type { FlowContext, IncidentFormValues } from '../../flows';
import { openNonconformity } from '../../flows/improvement/open-nc';
import { highAnswers, fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';

const DAY = 86_400_000;
const NOW = '2026-11-30T10:00:00Z';

const report = (system: string, extra: IncidentFormValues = {}): IncidentFormValues => ({
  system,
  occurred_at: '2026-11-29 16:30',
  description: 'The screener rejected every applicant over 50',
  harm: 'to_rights',
  people_affected: '14',
  ...extra,
});

describe.each(DB_KINDS)('incidents on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock(NOW);
  let alice: FlowContext, bob: FlowContext, carol: FlowContext, mallory: FlowContext, stranger: FlowContext;
  let high = '';
  let minimal = '';

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, clock);
    [alice, bob, carol, mallory] = await Promise.all([as('alice'), as('bob'), as('carol'), as('mallory')]);
    stranger = await actors(database.db, clock, testPolicy(), 'shell', 'elsewhere').as('carol');
    const h = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    const m = await flows.register(alice, { fields: fieldsFor('Spellcheck', 'shell:bob'), answers: minimalAnswers });
    if (h.kind !== 'registered' || m.kind !== 'registered') throw new Error('not registered');
    high = h.system.ref;
    minimal = m.system.ref;
    expect(h.system.riskClass).toBe('high');
    expect(m.system.riskClass).not.toBe('high');
  });
  afterAll(async () => database?.destroy());

  async function reported(ctx: FlowContext, values: IncidentFormValues) {
    const r = await flows.reportIncident(ctx, values);
    if (r.kind !== 'reported') throw new Error(r.message);
    return r;
  }

  it('general case: 15 days to the authority, the provider at once, a major NC owned by the system owner', async () => {
    const r = await reported(mallory, report(high, { serious: 'yes' }));
    const v = r.incident;
    expect(v.ref).toMatch(/^INC-\d+$/);
    expect(v.serious).toBe(true);
    expect(v.reportCase).toBe('general');
    expect(v.providerInformDueAt).toBe(NOW.replace('Z', '.000Z'));
    expect(new Date(v.authorityReportDueAt!).getTime() - Date.parse(NOW)).toBe(15 * DAY);
    expect(v.nc).toMatch(/^NC-\d+$/);
    const [row] = await database.db.select().from(incidents).where(eq(incidents.id, v.id));
    const [nc] = await database.db.select().from(nonconformities).where(eq(nonconformities.id, row!.ncId!));
    expect(nc).toMatchObject({ source: 'incident', severity: 'major', incidentId: v.id, dedupeKey: `incident:${v.id}`, ownerId: bob.actor.id, status: 'open' });
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'incident.reported'), eq(auditEvents.subjectId, v.ref)));
    expect(event?.data).toMatchObject({ serious: true, serious_by: 'reporter', report_case: 'general', harm: 'to_rights' });
    const [notice] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, `incident.reported:${v.id}`));
    expect(notice?.recipient).toEqual({ channel: 'digest' });
    expect(String((notice?.payload as { text: string }).text)).toContain('Report to the market surveillance authority (Art. 73(2)): due 2026-12-15');
  });

  it('death case: 10 days, and the message says the harm is read as the death case', async () => {
    const r = await reported(alice, report(high, { harm: 'death_or_serious_health', serious: 'yes' }));
    expect(r.incident.reportCase).toBe('death');
    expect(new Date(r.incident.authorityReportDueAt!).getTime() - Date.parse(NOW)).toBe(10 * DAY);
    expect(r.notes.join(' ')).toContain('treated as the death case of Art. 73(4)');
  });

  it('critical infrastructure and widespread infringement: 2 days', async () => {
    const critical = await reported(alice, report(high, { harm: 'critical_infrastructure' }));
    expect(critical.incident).toMatchObject({ serious: true, reportCase: 'widespread_or_critical', reportArticle: 'Art. 73(3)' });
    expect(new Date(critical.incident.authorityReportDueAt!).getTime() - Date.parse(NOW)).toBe(2 * DAY);
    const widespread = await reported(alice, report(high, { harm: 'to_person', serious: 'yes', widespread: 'yes' }));
    expect(widespread.incident.reportCase).toBe('widespread_or_critical');
    expect(new Date(widespread.incident.authorityReportDueAt!).getTime() - Date.parse(NOW)).toBe(2 * DAY);
  });

  it('no clocks for a non-serious incident, nor for a serious one with a system that is not high-risk', async () => {
    const minor = await reported(alice, report(high, { harm: 'none' }));
    expect(minor.incident).toMatchObject({ serious: false, providerInformDueAt: null, authorityReportDueAt: null, reportCase: null, nc: null });
    const notHigh = await reported(alice, report(minimal, { harm: 'to_person', serious: 'yes' }));
    expect(notHigh.incident).toMatchObject({ serious: true, providerInformDueAt: null, authorityReportDueAt: null, reportCase: null });
    // Serious still opens an NC, whatever the class.
    expect(notHigh.incident.nc).toMatch(/^NC-/);
  });

  it('default seriousness: harm to a person/rights/critical infrastructure/death with a high-risk system only', async () => {
    for (const harm of ['to_person', 'to_rights', 'critical_infrastructure', 'death_or_serious_health']) {
      expect((await reported(alice, report(high, { harm }))).incident.serious).toBe(true);
      expect((await reported(alice, report(minimal, { harm }))).incident.serious).toBe(false);
    }
    expect((await reported(alice, report(high, { harm: 'to_property_or_environment' }))).incident.serious).toBe(false);
    expect((await reported(alice, report(high, { harm: 'to_person', serious: 'no' }))).incident.serious).toBe(false);
  });

  it('the policy can shorten the day counts', async () => {
    const { as } = actors(database.db, clock, testPolicy({ incidents: { art73Days: { general: 7 } } }));
    const r = await reported(await as('alice'), report(high, { serious: 'yes' }));
    expect(new Date(r.incident.authorityReportDueAt!).getTime() - Date.parse(NOW)).toBe(7 * DAY);
    expect(() => testPolicy({ incidents: { art73Days: { general: 20 } } })).toThrow(/incidents\.art73Days\.general/);
  });

  it('opens the NC only once for an incident', async () => {
    const r = await reported(alice, report(high, { serious: 'yes' }));
    const again = await database.db.transaction((tx) =>
      openNonconformity(tx, { workspaceId: alice.workspace.id, source: 'incident', severity: 'major', description: 'again', incidentId: r.incident.id, dedupeKey: `incident:${r.incident.id}`, actor: 'system', at: clock.now() }),
    );
    expect(again.created).toBe(false);
    const ncs = await database.db.select().from(nonconformities).where(eq(nonconformities.incidentId, r.incident.id));
    expect(ncs).toHaveLength(1);
    expect(r.incident.nc).toBe(flows.ncRef(ncs[0]!.number));
  });

  it('refuses bad answers field by field and writes nothing', async () => {
    const before = (await database.db.select().from(incidents)).length;
    const r = await flows.reportIncident(alice, { system: 'AI-999', occurred_at: '2026-12-24 10:00', description: '', harm: 'bad', serious: 'maybe' });
    expect(r).toMatchObject({ kind: 'refused', code: 'invalid' });
    const fields = (r.kind === 'refused' ? r.errors ?? [] : []).map((e) => e.field).sort();
    expect(fields).toEqual(['description', 'harm', 'occurred_at', 'serious']);
    const unknown = await flows.reportIncident(alice, report('AI-999'));
    expect(unknown).toMatchObject({ kind: 'refused', errors: [{ field: 'system', message: expect.stringContaining('no system AI-999') }] });
    const invalidDate = await flows.reportIncident(alice, report(high, { occurred_at: '2026-02-30' }));
    expect(invalidDate).toMatchObject({ kind: 'refused', errors: [{ field: 'occurred_at' }] });
    // Another workspace's system is not found there.
    const elsewhere = await flows.reportIncident(stranger, report(high));
    expect(elsewhere).toMatchObject({ kind: 'refused', errors: [{ field: 'system' }] });
    expect((await database.db.select().from(incidents)).length).toBe(before);
  });

  it('records that the provider was informed and the authority reported: once, audited, by compliance or the owner', async () => {
    const r = await reported(alice, report(high, { serious: 'yes' }));
    expect(await flows.recordIncidentStep(mallory, r.incident.ref, 'provider_informed')).toMatchObject({ code: 'not_authorised' });
    expect(await flows.recordIncidentStep(stranger, r.incident.ref, 'provider_informed')).toMatchObject({ code: 'not_found' });
    clock.advance(3600_000);
    const [a, b] = await Promise.all([flows.recordIncidentStep(bob, r.incident.ref, 'provider_informed'), flows.recordIncidentStep(carol, r.incident.ref, 'provider_informed')]);
    expect([a, b].map((x) => (x.kind === 'recorded' ? x.already : null)).sort()).toEqual([false, true]);
    const done = await flows.recordIncidentStep(carol, r.incident.ref, 'authority_reported');
    expect(done).toMatchObject({ kind: 'recorded', already: false, incident: { authorityReportedAt: clock.now().toISOString() } });
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, r.incident.ref));
    expect(events.map((e) => e.action).sort()).toEqual(['incident.authority_reported', 'incident.provider_informed', 'incident.reported']);
    clock.set(NOW);
  });

  it('shows an incident to the reporter, the owner and compliance only; another workspace finds nothing', async () => {
    const r = await reported(mallory, report(high, { serious: 'yes' }));
    for (const who of [mallory, bob, carol]) expect(await flows.incidentByRef(who, r.incident.ref)).toMatchObject({ ref: r.incident.ref });
    expect(await flows.incidentByRef(alice, r.incident.ref)).toMatchObject({ code: 'not_authorised' });
    expect(await flows.incidentByRef(stranger, r.incident.ref)).toMatchObject({ code: 'not_found' });
  });

  it('exports incidents with snake_case keys, formula-safe CSV, scoped to a workspace; chat export for compliance only', async () => {
    await reported(alice, report(high, { description: '=cmd|calc!A1 \u202Eevil', serious: 'yes' }));
    const records = await flows.incidentRecords(database.db, { workspaceId: alice.workspace.id });
    expect(records.length).toBeGreaterThan(5);
    expect(Object.keys(records[0]!)).toEqual([...flows.INCIDENT_COLUMNS]);
    expect(records.every((r) => r.workspace === records[0]!.workspace)).toBe(true);
    const csv = flows.incidentExportText(records, 'csv');
    expect(csv).toContain("'=cmd|calc!A1");
    expect(csv).not.toMatch(/,=cmd/);
    const json = JSON.parse(flows.incidentExportText(records, 'json')) as Array<Record<string, unknown>>;
    expect(json.find((r) => r.report_case === 'death')).toMatchObject({ serious: true, harm: 'death_or_serious_health', nc: expect.stringMatching(/^NC-/) });
    expect(await flows.incidentExportFile(mallory, 'csv')).toMatchObject({ code: 'not_authorised' });
    expect(await flows.incidentExportFile(carol, 'xml')).toMatchObject({ code: 'invalid' });
    const file = await flows.incidentExportFile(carol, 'json');
    expect(file).toMatchObject({ kind: 'file', rows: records.length, filename: 'incidents-2026-11-30.json' });
    expect(await flows.incidentExportFile(stranger, 'json')).toMatchObject({ kind: 'file', rows: 0 });
  });
});
