/**
 * Impact assessments (`AI-n/IA-n`): who may assess, what is stored (version, answers, `fria`),
 * the audit event, replays and races, re-assessment falling due after a re-triage with the
 * owner told once, and the FRIA export — on PGlite and on the real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, auditEvents, notifications } from '../../db/schema';
import { impactAssessments } from '../../db/schema-aims';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { HOSTILE_TEXT, markdownHazards } from '../helpers/hostile-text';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

/** Answers to every question asked of a system, each a sentence. */
export function impactAnswers(fria: boolean, text = (id: string) => `About ${id}.`): Record<string, string> {
  return Object.fromEntries(flows.impactQuestions(fria).map((q) => [q.id, text(q.id)]));
}

describe.each(DB_KINDS)('impact assessments on %s', (kind) => {
  let tdb: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let as: ReturnType<typeof actors>['as'];
  let friaRef: string;
  let friaId: number;
  let plainRef: string;

  async function approved(name: string, answers: typeof highAnswers): Promise<{ ref: string; id: number }> {
    const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    for (const who of ['bob', 'carol', 'pat']) {
      const d = await flows.decideForSystem(await as(who), r.system.ref, 'approve');
      if (d.kind === 'refused' && d.code !== 'not_authorised') throw new Error(JSON.stringify(d));
    }
    const [s] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, r.system.id));
    expect(s!.status).toBe('approved');
    return { ref: r.system.ref, id: r.system.id };
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    ({ as } = actors(tdb.db, clock));
    ({ ref: friaRef, id: friaId } = await approved('CV Screener', { ...highAnswers, public_sector: 'public_authority' }));
    ({ ref: plainRef } = await approved('Writer', minimalAnswers));
  });
  afterAll(async () => tdb?.destroy());

  const stored = (systemId: number) => tdb.db.select().from(impactAssessments).where(eq(impactAssessments.systemId, systemId));

  it('offers A.5.4, A.5.5 and the Art. 27 elements with triage answers pre-filled, and says where they come from', async () => {
    const form = await flows.impactForm(await as('bob'), friaRef);
    if ('kind' in form) throw new Error(form.message);
    expect(form.friaApplies).toBe(true);
    expect(form.questions.map((q) => q.id)).toEqual([...flows.IMPACT_QUESTIONS, ...flows.FRIA_QUESTIONS].map((q) => q.id));
    expect(form.prefill['affected_groups']).toEqual({ text: 'Affected: job applicants.', source: 'from triage: affected_people' });
    expect(form.prefill['privacy']!.text).toContain('personal');
    expect(form.prefill['fria_process']!.text).toBe('Use CV Screener for daily work');
    const plain = await flows.impactForm(await as('bob'), plainRef);
    if ('kind' in plain) throw new Error(plain.message);
    expect(plain.friaApplies).toBe(false);
    expect(plain.questions).toHaveLength(flows.IMPACT_QUESTIONS.length);
  });

  it('lets only the owner or compliance assess; bad answers are refused by field and change nothing', async () => {
    const stranger = await flows.assessImpact(await as('dave'), friaRef, impactAnswers(true));
    expect(stranger).toMatchObject({ kind: 'refused', code: 'not_authorised' });
    expect((stranger as flows.Refusal).message).toContain('Only the owner of AI-1 (bob) or compliance');
    const missing = impactAnswers(true);
    delete missing['fria_risks'];
    const r = await flows.assessImpact(await as('bob'), friaRef, { ...missing, privacy: '   ', extra: 'x' });
    expect(r.kind).toBe('refused');
    expect((r as flows.Refusal).errors!.map((e) => e.field).sort()).toEqual(['extra', 'fria_risks', 'privacy']);
    const long = await flows.assessImpact(await as('bob'), friaRef, { ...impactAnswers(true), societal: 'x'.repeat(2001) });
    expect((long as flows.Refusal).errors).toEqual([{ field: 'societal', message: 'Society: at most 2000 characters (2001 given)' }]);
    const plainWithFria = await flows.assessImpact(await as('bob'), plainRef, impactAnswers(true));
    expect((plainWithFria as flows.Refusal).errors!.map((e) => e.field)).toContain('fria_process');
    expect(await stored(friaId)).toHaveLength(0);
  });

  it('stores AI-1/IA-1 with version, answers, fria and due date, with its audit event; replays and races make one', async () => {
    const answers = impactAnswers(true, (id) => (id === 'fria_risks' ? HOSTILE_TEXT : `About ${id}.`));
    const results = await Promise.all(Array.from({ length: 5 }, async () => flows.assessImpact(await as('bob'), friaRef, answers)));
    for (const r of results) expect(r).toMatchObject({ kind: 'assessed', impact: { ref: 'AI-1/IA-1', version: 1, fria: true } });
    expect(results.filter((r) => r.kind === 'assessed' && r.created)).toHaveLength(1);
    const rows = await stored(friaId);
    expect(rows).toHaveLength(1);
    const [system] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, friaId));
    expect(rows[0]!.dueAt!.toISOString()).toBe(system!.nextReviewAt!.toISOString());
    expect(rows[0]!.answers['fria_risks']).toBe(HOSTILE_TEXT.replace('\u202E', ''));
    const events = await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'impact.assessed'));
    expect(events.map((e) => [e.subjectId, e.actor])).toEqual([['AI-1/IA-1', 'shell:bob']]);
    // Compliance may assess too; different answers are a new version of the assessment.
    const again = await flows.assessImpact(await as('carol'), friaRef, { ...answers, societal: 'Changed.' });
    expect(again).toMatchObject({ kind: 'assessed', created: true, impact: { ref: 'AI-1/IA-2', assessedBy: { name: 'carol' } } });
    const plain = await flows.assessImpact(await as('bob'), plainRef, impactAnswers(false));
    expect(plain).toMatchObject({ kind: 'assessed', impact: { ref: 'AI-2/IA-1', fria: false } });
    expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
  });

  it('says in show when the assessment is missing, current or due', async () => {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const ctx = await as('bob');
    const sys = await flows.show(ctx, friaRef);
    if (sys.kind !== 'system') throw new Error('no system');
    expect(await flows.impactLineFor(ctx, sys.system, day)).toMatch(/^Impact assessment: AI-1\/IA-2, next due \d{4}-\d{2}-\d{2}\.$/);
    const r = await flows.register(await as('alice'), { fields: fieldsFor('Fresh', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(await flows.impactLineFor(ctx, r.system, day)).toBe('Impact assessment: missing — assess it with "impact AI-3".');
  });

  it('falls due at once on re-triage and tells the owner once through the outbox', async () => {
    clock.advance(3_600_000);
    const answers = { ...highAnswers, public_sector: 'public_authority', data_categories: ['personal', 'special_category'] };
    const r = await flows.retriage(await as('bob'), friaRef, answers);
    expect(r.kind).toBe('retriaged');
    const status = await flows.impactStatus(tdb.db, (await as('bob')).workspace.id, friaId, clock.now());
    expect(status).toMatchObject({ state: 'due', ref: 'AI-1/IA-2' });
    const sent = await tdb.db.select().from(notifications).where(and(eq(notifications.kind, 'impact.due')));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ systemId: friaId, ref: 'AI-1', impactRef: 'AI-1/IA-2' });
    const [bob] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, friaId));
    expect(sent[0]!.recipient).toEqual({ person: bob!.ownerId });
    expect(await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'impact.due'))).toHaveLength(1);
    // A new assessment with the same answers is not "the same" once the old one is due.
    const latest = (await stored(friaId)).find((x) => x.number === 2)!;
    const fresh = await flows.assessImpact(await as('bob'), friaRef, latest.answers as Record<string, string>);
    expect(fresh).toMatchObject({ kind: 'assessed', created: true, impact: { ref: 'AI-1/IA-3' } });
  });

  it('exports the FRIA as Markdown and JSON; refuses where Art. 27 does not apply or nothing was filled', async () => {
    const tz = 'UTC';
    const ok = await flows.friaExport(tdb.db, friaRef, { timezone: tz });
    if (ok.kind !== 'ok') throw new Error(ok.message);
    expect(ok.record.assessment.ref).toBe('AI-1/IA-3');
    expect(ok.record.elements.map((e) => e.article)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((p) => `Art. 27(1)(${p})`));
    expect(ok.record.system).toMatchObject({ ref: 'AI-1', name: 'CV Screener', owner: 'bob', risk_class: 'high' });
    expect(ok.markdown).toContain('### (d) Specific risks of harm');
    expect(ok.markdown).toContain('- Assessor: bob');
    expect(markdownHazards(ok.markdown)).toEqual([]);
    expect(await flows.friaExport(tdb.db, plainRef, { timezone: tz })).toEqual({
      kind: 'refused',
      message: 'AI-2 has no FRIA: the fundamental rights impact assessment (Art. 27) does not apply to its classification.',
    });
    expect((await flows.friaExport(tdb.db, 'AI-99', { timezone: tz })).kind).toBe('refused');
    expect(await flows.friaExport(tdb.db, 'nonsense', { timezone: tz })).toMatchObject({ kind: 'refused', message: expect.stringContaining('not a system reference') });
  });
});
