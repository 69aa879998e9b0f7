/** The control register and the Statement of Applicability on both databases (aims.md: controls, soa). */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import { controlStates, risks, soaVersions } from '../../db/schema-aims';
import * as flows from '../../flows';
import type { FlowContext } from '../../flows';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';
import { HOSTILE, HOSTILE_TEXT } from '../helpers/hostile-text';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('control register and SoA (%s)', (kind) => {
  let database: TestDatabase;
  let as: ReturnType<typeof actors>['as'];
  const clock = testClock();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as } = actors(database.db, clock));
  });
  afterAll(async () => database?.destroy());
  beforeEach(() => clock.set('2026-11-02T09:00:00Z'));

  /** Registers a system owned by bob; `approve` decides every step. */
  async function system(name: string, answers: typeof highAnswers, approve: boolean): Promise<{ ref: string; id: number }> {
    const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    if (approve) for (const who of ['bob', 'carol', 'pat']) {
      const step = r.request.steps.find((s) => s.role === (who === 'bob' ? 'owner' : who === 'carol' ? 'compliance' : 'privacy'));
      if (step) expect((await flows.decideStep(await as(who), { stepId: step.id, decision: 'approve' })).kind).toBe('recorded');
    }
    return { ref: r.system.ref, id: r.system.id };
  }

  const entry = async (id: string) => (await flows.controlRegister(database.db, (await as('carol')).workspace.id)).find((e) => e.control === id)!;
  let carol: FlowContext;
  let live: { ref: string; id: number };
  let pending: { ref: string; id: number };

  it('an empty workspace has no AIMS yet: nothing applies, every exclusion needs a justification', async () => {
    carol = await as('carol');
    const reg = await flows.controlRegister(database.db, carol.workspace.id);
    expect(reg).toHaveLength(38);
    expect(reg.every((e) => !e.applicable && e.justification_needed)).toBe(true);
  });

  it('applicability comes from live systems only; pending ones are planned; org-level controls apply', async () => {
    live = await system('CV Screen', highAnswers, true);
    pending = await system('Pending Screen', highAnswers, false);
    const rejected = await system('Rejected Screen', highAnswers, false);
    expect((await flows.decideForSystem(carol, rejected.ref, 'reject', 'No DPIA')).kind).toBe('recorded');
    const logs = await entry('A.6.2.8');
    expect(logs).toMatchObject({ applicable: true, basis: 'systems', systems: [{ ref: live.ref, name: 'CV Screen' }], planned_systems: [{ ref: pending.ref, name: 'Pending Screen' }] });
    expect(logs.justification).toContain(`${live.ref} CV Screen`);
    expect(logs.justification).toContain('deployer_high_risk (Art. 26, deployer, from 2027-12-02)');
    expect(logs.justification).not.toContain('Rejected');
    expect(logs.obligations).toContainEqual({ obligation: 'deployer_high_risk', ref: 'Art. 26', duty: 'deployer', from: '2027-12-02', systems: [live.ref] });
    for (const id of ['A.2.2', 'A.2.3', 'A.2.4', 'A.3.2', 'A.3.3']) expect(await entry(id)).toMatchObject({ applicable: true, basis: 'organisation', justification_needed: false });
    const data = await entry('A.7.2');
    expect(data).toMatchObject({ applicable: false, basis: 'none', justification: '', justification_needed: true });
  });

  it('a retired system no longer makes a control apply', async () => {
    const minimal = await system('Retiring Chat', minimalAnswers, true);
    const bob = await as('bob');
    const before = (await flows.controlRegister(database.db, carol.workspace.id)).filter((e) => e.systems.some((s) => s.ref === minimal.ref));
    expect(before.length).toBeGreaterThan(0);
    expect((await flows.retire(bob, minimal.ref, 'no longer used')).kind).not.toBe('refused');
    const after = (await flows.controlRegister(database.db, carol.workspace.id)).filter((e) => e.systems.some((s) => s.ref === minimal.ref));
    expect(after).toEqual([]);
  });

  it('risks treated with a control are named in its justification and make it apply', async () => {
    const now = clock.now();
    await database.db.insert(risks).values({
      workspaceId: carol.workspace.id, systemId: live.id, number: 1, source: 'bias_discrimination', description: 'Unfair ranking',
      likelihood: 3, impact: 4, score: 12, treatment: 'mitigate', controls: ['A.7.4'], createdAt: now, updatedAt: now,
    });
    const quality = await entry('A.7.4');
    expect(quality).toMatchObject({ applicable: true, risks: [{ ref: `${live.ref}/R-1`, source: 'bias_discrimination' }] });
    expect(quality.justification).toContain(`${live.ref}/R-1 (bias_discrimination)`);
  });

  it('an override needs a justification; excluding writes the reason and clears the flag; each edit is audited', async () => {
    const noWhy = await flows.editControl(carol, 'A.6.2.8', { applicable: 'no' });
    expect(noWhy).toMatchObject({ kind: 'refused', code: 'invalid', message: expect.stringContaining('needs a justification') });
    const naNoWhy = await flows.editControl(carol, 'a.7.2', { status: 'not_applicable' });
    expect(naNoWhy).toMatchObject({ kind: 'refused', code: 'invalid' });
    expect(await database.db.select().from(controlStates).where(eq(controlStates.workspaceId, carol.workspace.id))).toHaveLength(0);

    clock.advance(3_600_000);
    const excluded = await flows.editControl(carol, 'A.7.2', { status: 'not_applicable', justification: 'We develop no models; no training data.' });
    expect(excluded).toMatchObject({ kind: 'updated', entry: { applicable: false, justification: 'We develop no models; no training data.', justification_needed: false, status: 'not_applicable', reviewed_at: '2026-11-02T10:00:00.000Z' } });
    const ev = await flows.editControl(carol, 'A.6.2.8', { status: 'in_progress', owner: 'shell:olga', evidence: 'https://wiki.example/logs\n\n note two ' });
    expect(ev).toMatchObject({ kind: 'updated', entry: { status: 'in_progress', owner: 'shell:olga', owner_id: 'shell:olga', evidence: ['https://wiki.example/logs', 'note two'], applicable: true } });
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'control.updated'), eq(auditEvents.subjectId, 'A.6.2.8')));
    expect(event!.data).toMatchObject({ before: { status: 'not_started', owner: null, evidence: [] }, after: { status: 'in_progress', owner: 'shell:olga' } });
  });

  it('only compliance edits, adds or approves; bad input is refused and changes nothing', async () => {
    const bob = await as('bob');
    expect(await flows.editControl(bob, 'A.6.2.8', { status: 'implemented' })).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.addControl(bob, 'Mine')).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.approveSoa(bob)).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.controlsPage(bob, '')).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect(await flows.editControl(carol, 'A.99', { status: 'implemented' })).toMatchObject({ code: 'not_found' });
    expect(await flows.editControl(carol, 'A.6.2.8', { status: 'done' })).toMatchObject({ code: 'invalid', message: expect.stringContaining('status: must be one of') });
    expect(await flows.editControl(carol, 'A.6.2.8', { owner: 'not a person' })).toMatchObject({ code: 'invalid' });
    expect(await flows.addControl(carol, 'two\nlines')).toMatchObject({ code: 'invalid' });
    expect((await entry('A.6.2.8')).status).toBe('in_progress');
  });

  it('organisation-defined controls X-n are added once per title and listed after Annex A', async () => {
    const added = await flows.addControl(carol, `Prompt library review ${HOSTILE}`);
    expect(added).toMatchObject({ kind: 'added', entry: { control: 'X-1', custom: true, applicable: true, basis: 'organisation_defined' } });
    expect(await flows.addControl(carol, `prompt LIBRARY review ${HOSTILE}`)).toMatchObject({ kind: 'refused', message: expect.stringContaining('X-1 already has this title') });
    expect((await flows.addControl(carol, 'Vendor exit plan')).kind).toBe('added');
    const reg = await flows.controlRegister(database.db, carol.workspace.id);
    expect(reg.slice(38).map((e) => e.control)).toEqual(['X-1', 'X-2']); // the refused duplicate left no gap
    expect(reg[38]!.title).not.toMatch(/\u202E/);
    const page = await flows.controlsPage(carol, 'justification-needed');
    expect(page).toMatchObject({ kind: 'controls', filter: 'justification-needed' });
    if (page.kind === 'controls') expect(page.entries.every((e) => e.justification_needed)).toBe(true);
    expect(await flows.controlsPage(carol, 'bogus')).toMatchObject({ code: 'invalid', message: expect.stringContaining('is not a filter') });
  });

  it('approval freezes the draft as SoA-1 with its hash; replays and five concurrent clicks add no version', async () => {
    const draft = await flows.soaDraft(database.db, (await as('carol')).deps.policy, carol.workspace.id);
    const cora = await as('cora');
    const results = await Promise.all([...Array.from({ length: 5 }, () => flows.approveSoa(carol, draft.hash)), flows.approveSoa(cora, draft.hash)]);
    expect(results.filter((r) => r.kind === 'approved')).toHaveLength(1);
    for (const r of results.filter((x) => x.kind === 'refused')) expect(r).toMatchObject({ code: 'already_decided', message: expect.stringContaining('already approved as SoA-1') });
    const versions = await database.db.select().from(soaVersions).where(eq(soaVersions.workspaceId, carol.workspace.id));
    expect(versions).toHaveLength(1);
    expect(versions[0]!.hash).toBe(draft.hash);
    expect(createHash('sha256').update(flows.canonicalJson(versions[0]!.snapshot)).digest('hex')).toBe(versions[0]!.hash);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'soa.approved'));
    expect(events.filter((e) => e.workspaceId === carol.workspace.id)).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ version: 'SoA-1', hash: draft.hash });
    expect(await flows.approveSoa(carol)).toMatchObject({ code: 'already_decided' });

    const latest = await flows.latestSoa(database.db, carol.workspace.id);
    expect(latest).toMatchObject({ version: 'SoA-1', approved_by: 'carol', hash: draft.hash });
    expect(latest!.snapshot).toEqual(draft.snapshot);
  });

  it('a change after approval makes a new draft; the stale button is refused, the new one makes SoA-2', async () => {
    const old = (await flows.latestSoa(database.db, carol.workspace.id))!;
    await flows.editControl(carol, 'A.6.2.8', { status: 'implemented', justification: HOSTILE_TEXT });
    const stale = await flows.approveSoa(carol, 'f'.repeat(64));
    expect(stale).toMatchObject({ kind: 'refused', code: 'closed', message: expect.stringContaining('changed since') });
    const draft = await flows.soaDraft(database.db, carol.deps.policy, carol.workspace.id);
    expect(draft.hash).not.toBe(old.hash);
    expect(await flows.approveSoa(carol, old.hash)).toMatchObject({ code: 'already_decided' });
    expect(await flows.approveSoa(carol, draft.hash)).toMatchObject({ kind: 'approved', version: 'SoA-2', hash: draft.hash });
    // The frozen SoA-1 is unchanged by later edits.
    const [v1] = await database.db.select().from(soaVersions).where(and(eq(soaVersions.workspaceId, carol.workspace.id), eq(soaVersions.number, 1)));
    expect(v1!.snapshot).toEqual(old.snapshot);
  });

  it('the Markdown and CSV files keep hostile text inert', async () => {
    const doc = (await flows.latestSoa(database.db, carol.workspace.id))!;
    const md = flows.soaMarkdown(doc);
    expect(md).toContain('# Statement of Applicability');
    expect(md).toContain('**Version:** SoA-2');
    expect(md).not.toMatch(/\u202E/);
    expect(md).not.toContain('[x](https://evil.example)');
    expect(md).not.toContain('<!channel>');
    const rows = md.split('\n').filter((l) => l.startsWith('| A.6.2.8'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/(?<!\\)\|/).length).toBe(8);
    const csv = flows.soaCsv(doc);
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });

  it('workspaces are separate registers', async () => {
    const other = actors(database.db, clock, testPolicy({ groups: { compliance: ['slack:U0CAROL'] } }), 'slack', 'T0OTHER');
    const c2 = await other.as('U0CAROL');
    const reg = await flows.controlRegister(database.db, c2.workspace.id);
    expect(reg).toHaveLength(38);
    expect(reg.every((e) => !e.applicable)).toBe(true);
    expect(await flows.latestSoa(database.db, c2.workspace.id)).toBeNull();
    // Control work alone means the AIMS exists: the organisation-level controls apply.
    expect((await flows.addControl(c2, 'Model cards')).kind).toBe('added');
    const after = await flows.controlRegister(database.db, c2.workspace.id);
    expect(after.filter((e) => e.basis === 'organisation').map((e) => e.control)).toEqual(['A.2.2', 'A.2.3', 'A.2.4', 'A.3.2', 'A.3.3']);
    expect(after.find((e) => e.control === 'X-1')).toMatchObject({ applicable: true });
  });

  it('five concurrent edits of one control: one row, each edit audited with its before and after', async () => {
    const cora = await as('cora');
    const results = await Promise.all(
      ['not_started', 'in_progress', 'implemented', 'in_progress', 'implemented'].map((status, i) => flows.editControl(i % 2 ? cora : carol, 'A.9.2', { status, evidence: `https://wiki.example/${i}` })),
    );
    expect(results.every((r) => r.kind === 'updated')).toBe(true);
    const rows = await database.db.select().from(controlStates).where(and(eq(controlStates.workspaceId, carol.workspace.id), eq(controlStates.controlId, 'A.9.2')));
    expect(rows).toHaveLength(1);
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'control.updated'), eq(auditEvents.subjectId, 'A.9.2')));
    expect(events).toHaveLength(5);
    // Edits queue on the row: each one's "before" is the previous one's "after".
    const chain = events.sort((a, b) => a.seq - b.seq).map((e) => e.data as { before: { evidence: string[] }; after: { evidence: string[] } });
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.before.evidence).toEqual(chain[i - 1]!.after.evidence);
    expect(rows[0]!.evidence).toEqual(chain.at(-1)!.after.evidence);
  });
});
