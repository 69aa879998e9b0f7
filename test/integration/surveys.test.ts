/**
 * Survey campaigns on both databases: one question per person per campaign even when the job
 * runs twice or concurrently and the audience is enrolled twice; a single reminder; quiet hours;
 * answers that name unregistered tools become discovered tools counted per person; the AI
 * policy acknowledgement (idempotent, stale versions refused); literacy attestations and export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { aiSystems, auditEvents, notifications } from '../../db/schema';
import { discoveredTools, policyAcks, surveyRecipients, surveys } from '../../db/schema-discovery';
import * as flows from '../../flows';
import type { AudienceMember, FlowContext, FlowDeps } from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';

const DAY = 86_400_000;
const policy = testPolicy({
  aiPolicy: { version: 2, url: 'https://wiki.example/ai-policy', summary: 'Use approved tools only.' },
  discovery: { remindAfterDays: 5 },
  quietHours: { start: '20:00', end: '08:00' },
});

describe.each(DB_KINDS)('survey campaigns on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let deps: FlowDeps;
  let alice: FlowContext, bob: FlowContext, carol: FlowContext, mallory: FlowContext;
  const members: AudienceMember[] = ['alice', 'bob', 'carol'].map((n) => ({ platformId: `shell:${n}`, displayName: n }));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const a = actors(database.db, clock, policy);
    deps = a.deps;
    [alice, bob, carol, mallory] = await Promise.all([a.as('alice'), a.as('bob'), a.as('carol'), a.as('mallory')]);
  });
  afterAll(async () => database?.destroy());

  const asks = async (surveyId: number) =>
    (await database.db.select().from(notifications).where(like(notifications.dedupeKey, `survey.ask:${surveyId}:%`))).length;

  it('the job starts one campaign per slot, also when run twice at once; the refs count up in a quarter', async () => {
    const [r1, r2] = await Promise.all([flows.runAiUseSurvey(deps, clock.now()), flows.runAiUseSurvey(deps, clock.now())]);
    expect(r1.enqueued + r2.enqueued).toBe(1);
    expect((await flows.runAiUseSurvey(deps, clock.now())).enqueued).toBe(0);
    const list = await database.db.select().from(surveys).where(eq(surveys.kind, 'ai_use'));
    expect(list.map((s) => s.ref)).toEqual(['S-2026-Q4']);
    const started = await flows.startSurveyCommand(carol, 'ai-use');
    expect(started).toMatchObject({ kind: 'started', survey: { ref: 'S-2026-Q4-2' } });
    expect(await flows.startSurveyCommand(mallory, '')).toMatchObject({ code: 'not_authorised' });
    expect(await flows.startSurveyCommand(carol, 'everything')).toMatchObject({ code: 'invalid' });
    // A dry run in the next slot plans the campaign and leaves nothing behind.
    const dry = await flows.dryRunJob(deps, flows.runAiUseSurvey, new Date('2027-01-01T10:00:00Z'));
    expect(dry.planned.map((p) => p.kind)).toEqual(['survey.start']);
    expect(await database.db.select().from(surveys).where(eq(surveys.kind, 'ai_use'))).toHaveLength(2);
  });

  it('enrols each person once and asks once, however often the audience is enrolled', async () => {
    const [s] = await database.db.select().from(surveys).where(eq(surveys.ref, 'S-2026-Q4'));
    const twice = [...members, members[0]!];
    const [e1, e2] = await Promise.all([flows.enrollAudience(deps, s!, twice), flows.enrollAudience(deps, s!, members)]);
    expect(e1.asked + e2.asked).toBe(3);
    expect((await flows.enrollAudience(deps, s!, members)).asked).toBe(0);
    expect(await asks(s!.id)).toBe(3);
    expect(await flows.recipientIds(database.db, s!.id)).toEqual(['shell:alice', 'shell:bob', 'shell:carol']);
  });

  it('reminds once, only those who did not answer, and holds it for quiet hours', async () => {
    const [s] = await database.db.select().from(surveys).where(eq(surveys.ref, 'S-2026-Q4'));
    const r = await flows.answerSurvey(alice, 'S-2026-Q4', { tools: ['none'], otherTools: '' });
    expect(r).toMatchObject({ kind: 'answered', none: true });
    expect((await flows.runSurveyReminders(deps, new Date(clock.now().getTime() + 2 * DAY))).enqueued).toBe(0);
    // 22:00 UTC, in quiet hours: the reminder waits until 08:00.
    const late = new Date(Date.parse('2026-11-08T22:00:00Z'));
    const [a, b] = await Promise.all([flows.runSurveyReminders(deps, late), flows.runSurveyReminders(deps, late)]);
    expect(a.enqueued + b.enqueued).toBe(2);
    expect((await flows.runSurveyReminders(deps, new Date(late.getTime() + 10 * DAY))).enqueued).toBe(0);
    const rows = await database.db.select().from(notifications).where(like(notifications.dedupeKey, `survey.reminder:${s!.id}:%`));
    expect(rows.map((n) => (n.recipient as { person: number }).person).sort()).toEqual([bob.actor.id, carol.actor.id].sort());
    expect(rows.every((n) => n.notBefore.toISOString() === '2026-11-09T08:00:00.000Z')).toBe(true);
  });

  it('turns answers naming unregistered tools into discovered tools, counted per person; re-answering replaces', async () => {
    const reg = await flows.register(bob, { fields: fieldsFor('ChatGPT', 'shell:bob'), answers: minimalAnswers });
    expect(reg.kind).toBe('registered');
    const r = await flows.answerSurvey(bob, 'S-2026-Q4', { tools: ['github-copilot', 'chatgpt'], otherTools: 'Foo AI, =cmd|x\n otter.ai' });
    if (r.kind !== 'answered') throw new Error(r.message);
    expect(r.unregistered).toEqual([
      { tool: 'github-copilot', name: expect.any(String) },
      { tool: null, name: 'Foo AI' },
      { tool: null, name: '=cmd|x' },
      { tool: 'otter-ai', name: expect.any(String) },
    ]);
    expect(r.registered).toEqual(['ChatGPT']);
    const again = await flows.answerSurvey(bob, 'S-2026-Q4', { tools: ['github-copilot'], otherTools: 'foo-ai' });
    expect(again).toMatchObject({ kind: 'answered', replaced: true });
    await flows.answerSurvey(carol, 'S-2026-Q4', { tools: ['github-copilot'], otherTools: '' });
    const tools = await database.db.select().from(discoveredTools).where(eq(discoveredTools.workspaceId, bob.workspace.id));
    const copilot = tools.find((t) => t.toolKey === 'github-copilot')!;
    expect(copilot).toMatchObject({ firstSource: 'survey', reporters: 2, catalogId: 'github-copilot' });
    expect(tools.find((t) => t.toolKey === 'name:fooai')).toMatchObject({ reporters: 1, name: 'Foo AI' });
    expect(tools.some((t) => t.toolKey === 'chatgpt')).toBe(false);
    const audits = await database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, 'S-2026-Q4'), eq(auditEvents.action, 'survey.reanswered')));
    expect(audits).toHaveLength(1);
  });

  it('a rejected system still counts as registered, as it does for check, channel discovery and the digest', async () => {
    const [chatgpt] = await database.db.select().from(aiSystems).where(and(eq(aiSystems.workspaceId, bob.workspace.id), eq(aiSystems.name, 'ChatGPT')));
    await database.db.update(aiSystems).set({ status: 'rejected' }).where(eq(aiSystems.id, chatgpt!.id));
    try {
      const r = await flows.answerSurvey(carol, 'S-2026-Q4', { tools: ['chatgpt'], otherTools: '' });
      expect(r).toMatchObject({ kind: 'answered', unregistered: [], registered: ['ChatGPT'] });
      expect(await flows.unregisteredOf(database.db, bob.workspace.id, [flows.catalogTool('chatgpt')!])).toEqual([]);
      await flows.answerSurvey(carol, 'S-2026-Q4', { tools: ['github-copilot'], otherTools: '' });
    } finally {
      await database.db.update(aiSystems).set({ status: chatgpt!.status }).where(eq(aiSystems.id, chatgpt!.id));
    }
  });

  it('refuses bad answers and people who were not asked, changing nothing', async () => {
    expect(await flows.answerSurvey(bob, 'S-2026-Q4', { tools: ['none', 'chatgpt'], otherTools: '' })).toMatchObject({ code: 'invalid' });
    expect(await flows.answerSurvey(bob, 'S-2026-Q4', { tools: ['not-a-tool'], otherTools: '' })).toMatchObject({ code: 'invalid' });
    expect(await flows.answerSurvey(bob, 'S-2026-Q4', { tools: [], otherTools: ' , ' })).toMatchObject({ code: 'invalid' });
    expect(await flows.answerSurvey(mallory, 'S-2026-Q4', { tools: ['none'], otherTools: '' })).toMatchObject({ code: 'not_allowed' });
    expect(await flows.answerSurvey(bob, 'S-2019-Q1', { tools: ['none'], otherTools: '' })).toMatchObject({ code: 'not_found' });
    const [mine] = await database.db.select().from(surveyRecipients).where(eq(surveyRecipients.personId, bob.actor.id));
    expect((mine!.answer as { tools: string[] }).tools).toEqual(['github-copilot']);
  });

  it('policy-ack asks once per version; acknowledging is idempotent and a stale version is refused', async () => {
    expect((await flows.runPolicyAck(deps, clock.now())).enqueued).toBe(1);
    expect((await flows.runPolicyAck(deps, clock.now())).enqueued).toBe(0);
    const [s] = await database.db.select().from(surveys).where(eq(surveys.kind, 'policy_ack'));
    expect(s).toMatchObject({ ref: 'S-2026-Q4-3', policyVersion: 2 });
    await flows.enrollAudience(deps, s!, members);
    const view = await flows.policyView(bob);
    expect(view).toMatchObject({ version: 2, acknowledgedAt: null });
    expect(await flows.acknowledgePolicy(bob, '1')).toMatchObject({ code: 'closed', message: expect.stringContaining('replaced by version 2') });
    expect(await flows.acknowledgePolicy(bob, '3')).toMatchObject({ code: 'not_found' });
    const [x, y] = await Promise.all([flows.acknowledgePolicy(bob, '2'), flows.acknowledgePolicy(bob, '2')]);
    expect([x, y].filter((r) => r.kind === 'acknowledged' && r.fresh)).toHaveLength(1);
    expect(await database.db.select().from(policyAcks).where(eq(policyAcks.personId, bob.actor.id))).toHaveLength(1);
    expect(await flows.policyView(bob)).toMatchObject({ acknowledgedAt: expect.any(Date) });
    const [rec] = await database.db.select().from(surveyRecipients).where(and(eq(surveyRecipients.surveyId, s!.id), eq(surveyRecipients.personId, bob.actor.id)));
    expect(rec!.respondedAt).not.toBeNull();
  });

  it('a literacy round asks owners and approvers of high-risk systems first', async () => {
    const pat = await actors(database.db, clock, policy).as('pat');
    const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:mallory'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    for (const who of [mallory, carol, pat]) await flows.decideForSystem(who, r.system.ref, 'approve');
    const started = await flows.startSurveyCommand(carol, 'literacy');
    if (started.kind !== 'started') throw new Error(started.message);
    const all: AudienceMember[] = ['alice', 'bob', 'carol', 'mallory', 'pat'].map((n) => ({ platformId: `shell:${n}` }));
    await flows.enrollAudience(deps, started.survey, all);
    const asks = await database.db.select().from(notifications).where(like(notifications.dedupeKey, `survey.ask:${started.survey.id}:%`)).orderBy(asc(notifications.id));
    const order = asks.map((a) => (a.recipient as { person: number }).person);
    const first = new Set([mallory.actor.id, carol.actor.id, pat.actor.id]);
    expect(order.slice(0, 3).every((id) => first.has(id))).toBe(true);
    expect(order.slice(3).sort()).toEqual([alice.actor.id, bob.actor.id].sort());
  });

  it('literacy attestations need evidence; the export lists acknowledgements and attestations, formula-safe', async () => {
    expect(await flows.attestLiteracy(carol, '')).toMatchObject({ code: 'invalid', errors: [{ field: 'evidence' }] });
    expect(await flows.attestLiteracy(carol, '=HYPERLINK("x") course done')).toMatchObject({ kind: 'attested' });
    const rows = await flows.literacyRows(database.db, policy, carol.workspace.id);
    expect(rows.find((r) => r.person === 'shell:bob')).toMatchObject({ policy_version: 2, current_version: true, literacy_attested_at: null });
    expect(rows.find((r) => r.person === 'shell:carol')).toMatchObject({ policy_version: null, literacy_evidence: '=HYPERLINK("x") course done' });
    const csv = await flows.literacyExport(database.db, policy, carol.workspace.id, 'csv');
    expect(csv.text).toContain(`"'=HYPERLINK(""x"") course done"`);
    const digest = await flows.surveyDigest(database.db, policy, carol.workspace.id);
    expect(digest.aiUse).toMatchObject({ ref: 'S-2026-Q4-2', asked: 0 });
    expect(digest.policyAck).toMatchObject({ version: 2, acknowledged: 1, people: 5, percent: 20 });
    expect(flows.surveyDigestLines(digest).join('\n')).toContain('AI literacy attested: 1 of 5');
    // Another workspace's campaign is not found there.
    const elsewhere = await actors(database.db, clock, policy, 'shell', 'other').as('bob');
    expect(await flows.answerSurvey(elsewhere, 'S-2026-Q4', { tools: ['none'], otherTools: '' })).toMatchObject({ code: 'not_found' });
  });
});
