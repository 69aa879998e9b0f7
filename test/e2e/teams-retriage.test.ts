/**
 * The re-triage prompt for a system assessed with questionnaire v1, delivered to Teams: one
 * card to the owner's personal chat with the review buttons, however often the job runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { assessments } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { classifyV1 } from '../../flows/triage/classify';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { supportChatbot } from '../helpers/triage-answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { TENANT, cardText, people, startTeamsBench } from '../helpers/teams-harness';

describe('Teams: re-triage needed (questionnaire v2)', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    bench.clock.set('2026-11-03T10:00:00Z');
    await bench.installPersonal(people.bob);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const ctx = await flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.bob.aad}`, displayName: people.bob.name, email: people.bob.email });
    const r = await flows.register(ctx, { fields: fieldsFor('Support Bot', `teams:${people.bob.aad}`), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    await bench.drain();
    await deps.db.update(assessments).set({ questionnaireVersion: 1, answers: supportChatbot, result: classifyV1(supportChatbot) }).where(eq(assessments.systemId, r.system.id));
  });
  afterAll(async () => bench?.close());

  it('prompts the owner once, in a personal chat', async () => {
    const before = bench.fake.calls.length;
    await flows.runReviewReminders(deps, bench.clock.now());
    await flows.runReviewReminders(deps, bench.clock.now());
    await bench.drain();
    const sent = bench.fake.calls.slice(before).filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && JSON.stringify(c.body ?? '').includes('questionnaire v2'));
    expect(sent).toHaveLength(1);
    const card = (sent[0]!.body as { attachments: Array<{ content: Record<string, unknown> }> }).attachments[0]!.content;
    // As people read it: the user text is escaped for Adaptive Card markdown.
    expect(cardText(card)).toContain('model_origin = vendor_customized');
    expect((sent[0]!.conversationId ?? '').split(';')[0]).toBe(`a:personal-${people.bob.aad}`);
  });
});
