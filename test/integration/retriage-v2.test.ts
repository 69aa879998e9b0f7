/**
 * The questionnaire-v2 stage of the review-reminders job: a system assessed with v1 whose
 * answers cannot be mapped is flagged, its owner is prompted once (also when the job runs
 * twice, and not during quiet hours), compliance sees the count in the digest, and a re-triage
 * that changes the class starts a new approval and clears the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, assessments, auditEvents, notifications, people } from '../../db/schema';
import * as flows from '../../flows';
import { buildDigest, renderDigestText, runReviewReminders } from '../../flows';
import { classifyV1 } from '../../flows/triage/classify';
import { unmappableV1Answers } from '../../flows/triage/v1-mapping';
import type { Answers } from '../../flows/triage/types';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, minimalAnswers, minimalAnswersV1 } from '../fixtures/answers';
import { supportChatbot } from '../helpers/triage-answers';
import { v2 } from '../helpers/triage-answers-v2';

describe('re-triage needed (questionnaire v2)', () => {
  let tdb: TestDatabase;
  const clock = testClock('2026-11-03T20:30:00Z'); // a Tuesday evening, inside quiet hours (UTC)
  const policy = testPolicy({ quietHours: { start: '19:00', end: '08:00', weekends: true } });
  let deps: ReturnType<typeof actors>['deps'];
  let as: ReturnType<typeof actors>['as'];
  let botId: number;
  let plainId: number;

  /** Registers a system with v2 answers, then rewrites its assessment as a stored v1 one and approves it. */
  async function v1System(name: string, answers: Answers): Promise<number> {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    const result = classifyV1(answers);
    await tdb.db.update(assessments).set({ questionnaireVersion: 1, answers, result }).where(eq(assessments.systemId, r.system.id));
    await tdb.db.update(aiSystems).set({ status: 'approved', riskClass: result.riskClass }).where(eq(aiSystems.id, r.system.id));
    return r.system.id;
  }

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    ({ deps, as } = actors(tdb.db, clock, policy));
    botId = await v1System('Support Bot', supportChatbot);
    plainId = await v1System('Writer', minimalAnswersV1);
  });
  afterAll(async () => tdb?.destroy());

  const prompts = () => tdb.db.select().from(notifications).where(eq(notifications.kind, 'triage.retriage_needed'));

  it('knows which v1 answers cannot be mapped', () => {
    expect(unmappableV1Answers(supportChatbot)).toEqual(['model_origin = vendor_customized']);
    expect(unmappableV1Answers(minimalAnswersV1)).toEqual([]);
    expect(unmappableV1Answers({ ai_capabilities: ['emotion_recognition'], synthetic_media: 'published', public_service_provider: true, prohibited_practices: ['emotion_recognition_work_or_school'] })).toEqual([
      'ai_capabilities = emotion_recognition',
      'synthetic_media = published',
      'public_service_provider',
      'prohibited_practices = emotion_recognition_work_or_school',
    ]);
  });

  it('flags the vendor_customized system and prompts its owner once, even when the job runs twice', async () => {
    await runReviewReminders(deps, clock.now());
    await runReviewReminders(deps, clock.now());
    const rows = await prompts();
    expect(rows).toHaveLength(1);
    const [bob] = await tdb.db.select().from(people).where(eq(people.platformId, 'shell:bob'));
    expect(rows[0]!.recipient).toEqual({ person: bob!.id });
    expect(rows[0]!.payload).toMatchObject({ systemId: botId, reasons: ['model_origin = vendor_customized'] });
    expect(String((rows[0]!.payload as { text: string }).text)).toContain('re-triage needed (questionnaire v2)');
    // Quiet hours: the prompt waits for 08:00 the next morning.
    expect(rows[0]!.notBefore.toISOString()).toBe('2026-11-04T08:00:00.000Z');
    const [bot] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, botId));
    expect(bot!.retriageNeededAt?.toISOString()).toBe(clock.now().toISOString());
    expect(bot!.retriageReason).toBe('model_origin = vendor_customized');
    const [plain] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, plainId));
    expect(plain!.retriageNeededAt).toBeNull();
    const view = await flows.loadSystemView(tdb.db, bot!.workspaceId, botId);
    expect(view?.retriageNeeded).toBe('model_origin = vendor_customized');
    const audit = await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.retriage_needed'));
    expect(audit.map((a) => a.subjectId)).toEqual([String(botId)]);
  });

  it('a later run does not prompt again', async () => {
    clock.advance(8 * 24 * 3600 * 1000);
    await runReviewReminders(deps, clock.now());
    expect(await prompts()).toHaveLength(1);
  });

  it('compliance sees the count in the weekly digest', async () => {
    const [bot] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, botId));
    const now = clock.now();
    const digest = await buildDigest(tdb.db, policy, bot!.workspaceId, new Date(now.getTime() - 7 * 24 * 3600 * 1000), now);
    expect(digest.retriageNeeded?.map((i) => i.name)).toEqual(['Support Bot']);
    expect(renderDigestText(digest)).toContain('Re-triage needed (questionnaire v2): 1 — AI-1 Support Bot');
  });

  it('a re-triage with v2 answers that changes the class starts a new approval and clears the flag', async () => {
    const bob = await as('bob');
    const answers = v2(minimalAnswers, { model_origin: 'vendor_configured', affected_people: ['customers'], interacts_with_people: 'external_people' });
    const r = await flows.retriage(bob, 'AI-1', answers);
    expect(r.kind).toBe('retriaged');
    if (r.kind !== 'retriaged') return;
    expect(r.classification.riskClass).toBe('limited');
    expect(r.request).toBeNull(); // v1 said limited too: same class and approvers, so the review is confirmed
    const changed = await flows.retriage(bob, 'AI-1', minimalAnswers);
    expect(changed.kind === 'retriaged' && changed.classification.riskClass).toBe('minimal');
    expect(changed.kind === 'retriaged' && changed.request?.status).toBe('pending');
    const [bot] = await tdb.db.select().from(aiSystems).where(eq(aiSystems.id, botId));
    expect(bot!.retriageNeededAt).toBeNull();
    const current = await tdb.db.select().from(assessments).where(and(eq(assessments.systemId, botId), eq(assessments.id, bot!.currentAssessmentId!)));
    expect(current[0]!.questionnaireVersion).toBe(2);
    await runReviewReminders(deps, clock.now());
    expect(await prompts()).toHaveLength(1);
  });
});
