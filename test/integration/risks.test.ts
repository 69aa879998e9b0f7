/**
 * The risk register on both databases: the prompt on approval, the pre-filled assessment, the
 * acceptance thresholds and who may accept, treatments as tasks, replays and races, the
 * untreated-high-risk flag and the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { inventoryRecords, toCsv } from '../../flows/exports';
import type { FlowContext } from '../../flows';
import { highAnswers, fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors } from '../helpers/flows';

const good = (extra: Record<string, string | string[]> = {}) => ({
  source: 'bias_discrimination',
  description: 'Ranks older applicants lower',
  likelihood: '4',
  impact: '4',
  treatment: 'mitigate',
  controls: ['A.5.4', 'A.7.4'],
  measures: 'Quarterly bias test on a held-out set',
  treatment_owner: '',
  due_date: '2027-01-31',
  residual_likelihood: '2',
  residual_impact: '3',
  ...extra,
});

describe.each(DB_KINDS)('risk register on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let bob: FlowContext, carol: FlowContext, alice: FlowContext, pat: FlowContext, mallory: FlowContext;
  let ref = '';
  let systemId = 0;

  async function approve(r: string): Promise<void> {
    for (const who of [bob, carol, pat, carol]) await flows.decideForSystem(who, r, 'approve');
    const shown = await flows.show(bob, r);
    if (shown.kind !== 'system' || shown.system.status !== 'approved') throw new Error(`not approved: ${JSON.stringify(shown)}`);
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, clock);
    [alice, bob, carol, pat, mallory] = await Promise.all([as('alice'), as('bob'), as('carol'), as('pat'), as('mallory')]);
    const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    ref = r.system.ref;
    systemId = r.system.id;
    await approve(ref);
  });
  afterAll(async () => database?.destroy());

  it('prompts the owner once on approval with the risk.assess button', async () => {
    const rows = await database.db.select().from(notifications).where(eq(notifications.kind, flows.RISK_ASSESS_PROMPT));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipient).toEqual({ person: bob.actor.id });
    expect(rows[0]!.payload).toMatchObject({ ref, reason: 'approved' });
  });

  it('pre-fills suggested risks from the triage answers, for the owner and compliance only', async () => {
    const draft = await flows.assessmentDraft(bob, ref);
    if ('kind' in draft) throw new Error(draft.message);
    const sources = draft.entries.map((e) => e.values['source']);
    expect(sources).toContain('bias_discrimination');
    expect(sources).toContain('privacy_data_misuse');
    expect(draft.entries.every((e) => e.suggested && e.number === null)).toBe(true);
    expect(await flows.assessmentDraft(carol, ref)).not.toHaveProperty('kind');
    expect(await flows.assessmentDraft(mallory, ref)).toMatchObject({ code: 'not_authorised', message: expect.stringContaining('Only the owner of') });
  });

  it('refuses bad answers field by field and changes nothing', async () => {
    const r = await flows.assess(bob, ref, [{ values: good({ likelihood: '9', treatment: 'ignore', due_date: '2026-02-30', controls: ['B.1'], residual_impact: '' }) }]);
    expect(r).toMatchObject({ kind: 'refused', code: 'invalid' });
    if (r.kind !== 'refused') return;
    const fields = r.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(['controls', 'due_date', 'likelihood', 'residual_impact', 'treatment']);
    expect(await database.db.select().from(risks)).toHaveLength(0);
    const higher = await flows.assess(bob, ref, [{ values: good({ residual_likelihood: '5', residual_impact: '5' }) }]);
    expect(higher).toMatchObject({ code: 'invalid', message: expect.stringContaining('cannot be higher') });
  });

  it('saves the assessment: risks numbered, treatments as tasks for the treatment owner, audit events', async () => {
    const draft = await flows.assessmentDraft(bob, ref);
    if ('kind' in draft) throw new Error(draft.message);
    const privacy = draft.entries.find((e) => e.values['source'] === 'privacy_data_misuse')!;
    const entries: flows.AssessEntry[] = [
      { values: good() },
      { values: { ...privacy.values, likelihood: '3', impact: '4', treatment: 'accept', measures: '', residual_likelihood: '3', residual_impact: '4' } },
      { values: good({ source: 'erroneous_output', description: 'Misreads CVs', likelihood: '2', impact: '2', residual_likelihood: '', residual_impact: '', treatment: 'transfer', treatment_owner: 'shell:pat' }) },
      ...draft.entries.filter((e) => e !== privacy && e.values['source'] !== 'bias_discrimination').map((e) => ({ ...e, drop: true })),
    ];
    const r = await flows.assess(bob, ref, entries);
    if (r.kind !== 'saved') throw new Error(r.message);
    expect(r.saved.map((s) => s.number)).toEqual([1, 2, 3]);
    expect(r.saved.map((s) => s.status)).toEqual(['treating', 'open', 'treating']);
    const t = await database.db.select().from(tasks).where(eq(tasks.kind, 'risk_treatment'));
    expect(t).toHaveLength(2);
    const byKey = new Map(t.map((x) => [x.dedupeKey, x]));
    expect(byKey.get(`risk_treatment:${r.saved[0]!.id}`)).toMatchObject({ assigneeId: bob.actor.id, dueDate: '2027-01-31', subjectType: 'risk', systemId });
    expect(byKey.get(`risk_treatment:${r.saved[2]!.id}`)).toMatchObject({ assigneeId: pat.actor.id });
    const events = await database.db.select().from(auditEvents);
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === 'risk.added')).toHaveLength(3);
    expect(actions).toContain('risk.assessed');
    // The approval made the obligation tasks; the assessment adds the two treatment tasks.
    expect(events.filter((e) => e.action === 'task.created' && (e.data as { kind?: string }).kind === 'risk_treatment')).toHaveLength(2);
    // Editing again keeps one task per risk.
    const edited = await flows.editRisk(bob, `${ref}/R-1`, good({ due_date: '2027-02-28' }));
    expect(edited).toMatchObject({ kind: 'saved' });
    expect(await database.db.select().from(tasks).where(eq(tasks.kind, 'risk_treatment'))).toHaveLength(2);
  });

  it('shows the register with a heat map, and flags untreated high risks', async () => {
    const v = await flows.riskRegister(mallory, ref);
    if ('kind' in v) throw new Error(v.message);
    expect(v.risks.map((r) => r.ref)).toEqual([`${ref}/R-1`, `${ref}/R-2`, `${ref}/R-3`]);
    // R-1 at residual 2×3, R-2 at residual 3×4, R-3 at 2×2.
    expect(v.heat[2]![1]).toBe(1);
    expect(v.heat[3]![2]).toBe(1);
    expect(v.heat[1]![1]).toBe(1);
    expect(v.heat.flat().reduce((a, b) => a + b, 0)).toBe(3);
    expect(v.canAssess).toBe(false);
    expect(v.risks.every((r) => !r.canAccept && !r.canEdit)).toBe(true);
    expect(flows.heatMapLines(v.heat).join('\n')).toContain('  4 |  .  .  1  .  .');
    // R-2 (residual 12 ≥ 8, accept, not yet accepted) is untreated; R-1 (6) is below the threshold.
    const untreated = await flows.untreatedRisksOf(database.db, bob.workspace.id, null, { acceptBelow: 8 });
    expect(untreated.map((u) => u.number)).toEqual([2]);
    expect(v.untreated).toBe(1);
    // The flag shows in show, the weekly digest and the inventory export.
    const shown = await flows.show(mallory, ref);
    expect(shown).toMatchObject({ kind: 'system', system: { untreatedRisks: 1 } });
    const digest = await flows.buildDigest(database.db, bob.deps.policy, bob.workspace.id, new Date('2026-10-26T00:00:00Z'), clock.now());
    expect(digest.untreatedRiskCount).toBe(1);
    expect(digest.untreatedHighRisks?.map((i) => i.ref)).toEqual([ref]);
    expect(flows.renderDigestText(digest)).toMatch(/Untreated high risks: 1 in 1 high-risk systems/);
    const inventory = await inventoryRecords(database.db, { workspaceId: bob.workspace.id, acceptBelow: 8 });
    expect(inventory.find((e) => e.record.ref === ref)?.record.untreated_high_risks).toBe(1);
  });

  it('refuses the owner above the threshold, asks compliance, and compliance accepts once under races', async () => {
    const r2 = `${ref}/R-2`;
    const refused = await flows.acceptResidual(bob, r2);
    expect(refused).toMatchObject({ kind: 'refused', code: 'not_authorised', message: expect.stringMatching(/only a member of compliance can accept it.*asked them/) });
    expect((await database.db.select().from(risks).where(eq(risks.number, 2)))[0]!.status).toBe('open');
    await flows.acceptResidual(bob, r2);
    const asked = await database.db.select().from(notifications).where(eq(notifications.kind, flows.RISK_ACCEPTANCE_REQUESTED));
    // One message per member of compliance (carol, cora), however often the owner asks.
    expect(asked).toHaveLength(2);
    expect(asked[0]!.payload).toMatchObject({ riskRef: r2, score: 12 });
    expect(await flows.acceptResidual(mallory, r2)).toMatchObject({ code: 'not_authorised' });
    const cora = await actors(database.db, clock).as('cora');
    const results = await Promise.all([carol, carol, cora, carol, carol].map((c) => flows.acceptResidual(c, r2)));
    expect(results.filter((x) => x.kind === 'accepted' && !x.already)).toHaveLength(1);
    expect(results.every((x) => x.kind === 'accepted')).toBe(true);
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'risk.accepted'), eq(auditEvents.subjectId, r2)));
    expect(events).toHaveLength(1);
    expect(await flows.untreatedRisksOf(database.db, bob.workspace.id, [systemId])).toEqual([]);
    // Below the threshold the owner may accept.
    expect(await flows.acceptResidual(bob, `${ref}/R-3`)).toMatchObject({ kind: 'accepted', already: false });
    // Changing what was accepted withdraws the acceptance.
    await flows.editRisk(carol, r2, good({ source: 'privacy_data_misuse', treatment: 'accept', measures: '', likelihood: '4', impact: '4', residual_likelihood: '3', residual_impact: '4' }));
    expect((await database.db.select().from(risks).where(eq(risks.number, 2)))[0]!).toMatchObject({ status: 'open', acceptedById: null });
    const verdict = await flows.verifyAudit(database.db);
    expect(verdict.ok).toBe(true);
  });

  it('exports the register with snake_case keys and formula-safe CSV', async () => {
    await flows.addRisk(bob, ref, good({ source: 'other', description: '=HYPERLINK("http://x")', treatment: 'avoid', measures: '@SUM(1)' }));
    const records = await flows.riskRecords(database.db, {});
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({ system_ref: ref, ref: `${ref}/R-1`, source: 'bias_discrimination', score: 16, residual_score: 6, treatment_task: expect.stringMatching(/^T-\d+$/) });
    const csv = toCsv(records.map(flows.riskCells), flows.RISK_COLUMNS);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'@SUM(1)`);
  });

  it('does not prompt for minimal systems twice and keeps workspaces apart', async () => {
    const r = await flows.register(alice, { fields: fieldsFor('Notes Helper', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    await approve(r.system.ref);
    await approve(r.system.ref);
    const prompts = await database.db.select().from(notifications).where(eq(notifications.kind, flows.RISK_ASSESS_PROMPT));
    expect(prompts).toHaveLength(2);
    const other = await actors(database.db, clock, undefined, 'shell', 'elsewhere').as('bob');
    expect(await flows.riskRegister(other, ref)).toMatchObject({ code: 'not_found' });
  });

  it('a done treatment task makes its risk treated, once, and it no longer counts as untreated', async () => {
    const added = await flows.addRisk(bob, ref, good({ description: 'Scores drift after retraining', likelihood: '5', impact: '4', residual_likelihood: '', residual_impact: '' }));
    if (added.kind !== 'saved') throw new Error(JSON.stringify(added));
    const [row] = await database.db.select().from(risks).where(and(eq(risks.systemId, systemId), eq(risks.description, 'Scores drift after retraining')));
    expect(row!.status).toBe('treating');
    const [task] = await database.db.select().from(tasks).where(eq(tasks.dedupeKey, `risk_treatment:${row!.id}`));
    const untreatedBefore = await flows.untreatedRisksOf(database.db, bob.workspace.id, [systemId], { acceptBelow: 8 });
    expect(untreatedBefore.map((u) => u.riskId)).toContain(row!.id);
    const done = await Promise.all([1, 2, 3].map(() => flows.completeTask(bob, `T-${task!.number}`, 'https://wiki.example/bias-test-2026-11')));
    expect(done.filter((d) => d.kind === 'closed')).toHaveLength(1);
    const [after] = await database.db.select().from(risks).where(eq(risks.id, row!.id));
    expect(after!.status).toBe('treated');
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'risk.treated'), eq(auditEvents.subjectId, `${ref}/R-${row!.number}`)));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ task: `T-${task!.number}` });
    const untreatedAfter = await flows.untreatedRisksOf(database.db, bob.workspace.id, [systemId], { acceptBelow: 8 });
    expect(untreatedAfter.map((u) => u.riskId)).not.toContain(row!.id);
  });
});
