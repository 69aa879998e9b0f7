/**
 * The re-triage prompt for a system assessed with questionnaire v1, delivered to Slack: one DM
 * to the owner with the "Update answers" button, however often the job runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, assessments } from '../../db/schema';
import { runReviewReminders } from '../../flows';
import { classifyV1 } from '../../flows/triage/classify';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { supportChatbot } from '../helpers/triage-answers';
import { clickStep, registerTool, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: "is it AI?" before submitting', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('shows the warning on page 2 once before a rule engine is registered as out of scope', async () => {
    const answers = { technique: 'rules_by_people', ai_capabilities: ['predicts_or_scores'], data_categories: ['internal'] };
    const { views, last } = await registerTool(s, USERS.alice.id, fieldsFor('Rule Scorer', 'slack:U0ALICE'), answers);
    const titles = views.map((v) => v.title.text);
    expect(titles.filter((t) => t.includes('page 2'))).toHaveLength(2);
    expect(JSON.stringify(views.at(-1))).toContain('does not make a tool AI');
    expect(JSON.stringify(views[1])).not.toContain('does not make a tool AI');
    expect(JSON.stringify(last)).toContain('out of scope');
  });
});

describe('Slack: re-triage needed (questionnaire v2)', () => {
  let s: SlackTestServer;
  let ref = '';
  beforeAll(async () => {
    s = await startSlackServer();
    s.clock.set('2026-11-03T10:00:00Z');
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Support Bot', 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', seeded.steps[0]!);
    ref = seeded.system.ref;
    // Stored as a v1 assessment with an answer v2 cannot map.
    await s.deps.db
      .update(assessments)
      .set({ questionnaireVersion: 1, answers: supportChatbot, result: classifyV1(supportChatbot) })
      .where(eq(assessments.systemId, seeded.system.id));
  });
  afterAll(async () => {
    await s.close();
  });

  it('prompts the owner once in a DM with the Update answers button', async () => {
    s.fake.reset();
    await runReviewReminders(s.deps, s.clock.now());
    await s.settle();
    await runReviewReminders(s.deps, s.clock.now());
    await s.settle();
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params).includes('questionnaire v2'));
    expect(posts).toHaveLength(1);
    const body = JSON.stringify(posts[0]!.params);
    expect(body).toContain(`${ref} \\"Support Bot\\": re-triage needed (questionnaire v2)`);
    expect(body).toContain('model_origin = vendor_customized');
    expect(body).toContain('"action_id":"review.update"');
    const [system] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Support Bot'));
    expect(system?.retriageNeededAt).not.toBeNull();
  });
});
