/** Review actions on Teams under double clicks: one confirmation, one snooze; late clicks hear what happened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps, auditEvents, reviews } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, cardText, formValues, people, startTeamsBench } from '../helpers/teams-harness';

let bench: TeamsBench;
beforeAll(async () => {
  bench = await startTeamsBench('pglite');
  await bench.installChannel();
  for (const u of [people.alice, people.bob]) await bench.installPersonal(u);
});
afterAll(async () => bench?.close());

/** Alice registers a minimal tool owned by Bob, who approves it: one open review. */
async function approvedTool(name: string): Promise<{ ref: string; systemId: number }> {
  await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor(name, people.bob.aad), minimalAnswers));
  const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, name));
  await bench.drain();
  const [owner] = await bench.db.db
    .select({ id: approvalSteps.id })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .where(and(eq(approvalRequests.systemId, system!.id), eq(approvalSteps.role, 'owner')));
  await bench.execute(people.bob, { action: 'approval.approve', stepId: owner!.id }, { channel: true });
  await bench.drain();
  return { ref: `AI-${system!.refNumber}`, systemId: system!.id };
}

const events = (systemId: number, action: string) =>
  bench.db.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectType, 'ai_system'), eq(auditEvents.subjectId, String(systemId)), eq(auditEvents.action, action)));

describe('Teams review actions are recorded once', () => {
  it('confirm clicked again and raced: one confirmation; the late clicks get a card without buttons', async () => {
    const { ref, systemId } = await approvedTool('Teams Confirm');
    const card = await bench.say(people.bob, `review ${ref}`);
    const confirm = buttons(card).find((b) => b.data.action === 'review.confirm')!;
    expect(cardText(await bench.execute(people.bob, confirm.data))).toContain('Review recorded');
    const late = await Promise.all(Array.from({ length: 4 }, () => bench.execute(people.bob, confirm.data)));
    for (const answer of late) {
      expect(cardText(answer)).toMatch(/Already confirmed by Bob on \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)/);
      expect(buttons(answer)).toEqual([]);
    }
    expect(await events(systemId, 'review.confirmed')).toHaveLength(1);
    expect(await bench.db.db.select().from(reviews).where(and(eq(reviews.systemId, systemId), eq(reviews.status, 'open')))).toHaveLength(1);
  });

  it('snooze clicked twice at once is recorded once', async () => {
    const { ref, systemId } = await approvedTool('Teams Snooze');
    const card = await bench.say(people.bob, `review ${ref}`);
    const snooze = buttons(card).find((b) => b.data.action === 'review.snooze')!;
    const answers = await Promise.all([1, 2].map(() => bench.execute(people.bob, { ...snooze.data, days: '7', reason: 'vendor audit' })));
    const texts = answers.map(cardText);
    expect(texts.filter((t) => t.includes('paused until'))).toHaveLength(1);
    expect(texts.filter((t) => /Already snoozed by Bob on .* \(“vendor audit”\)/.test(t))).toHaveLength(1);
    expect(await events(systemId, 'review.snoozed')).toHaveLength(1);
  });
});
