/**
 * Without an approvals channel for Teams in the policy, the approval card goes to a personal
 * chat with the owner, is recorded as that copy, and is updated in place there after a decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, platformMessages } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, cardOf, cardText, formValues, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

let bench: TeamsBench;
beforeAll(async () => {
  bench = await startTeamsBench('pglite', teamsPolicy({ channels: {} }));
  await bench.installPersonal(people.alice);
  await bench.installPersonal(people.bob);
});
afterAll(async () => bench?.close());

describe('Teams approval without an approvals channel', () => {
  it("posts the card in the owner's personal chat and updates that copy after the decision", async () => {
    const first = await bench.say(people.alice, 'register');
    await bench.fillForm(people.alice, first, formValues(fieldsFor('Personal Route', people.bob.aad), minimalAnswers));
    await bench.drain();
    const bobChat = `a:personal-${people.bob.aad}`;
    const posted = bench.fake.sent(bobChat);
    expect(posted).toHaveLength(1);
    const card = cardOf(posted[0]!.body);
    expect(cardText(card)).toContain('Personal Route');
    expect((card.refresh as { userIds: string[] }).userIds).toEqual([`29:${people.bob.aad}`]);
    const [copy] = await bench.db.db.select().from(platformMessages);
    expect(copy).toMatchObject({ platform: 'teams', role: 'dm', conversationId: bobChat, messageId: expect.any(String) });

    const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Personal Route'));
    const mine = await bench.execute(people.bob, (card.refresh as { action: { data: Record<string, unknown> } }).action.data, { verb: 'refresh', trigger: 'automatic' });
    const approve = buttons(mine).find((b) => b.data.action === 'approval.approve')!;
    expect(cardText(await bench.execute(people.bob, approve.data))).toContain('you approved the business owner step');
    await bench.drain();
    const updates = bench.fake.updates(bobChat);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.activityId).toBe(copy!.messageId);
    expect(cardText(cardOf(updates[0]!.body))).toContain('**approved**');
    const [after] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, system!.id));
    expect(after!.status).toBe('approved');
  });
});
