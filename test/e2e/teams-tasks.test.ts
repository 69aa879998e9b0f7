/**
 * Tasks through botbuilder against the fake Bot Connector: after a high-risk approval the owner's
 * `tasks` card lists the obligations with Done / Not applicable (`data.action` task.done /
 * task.not_applicable); Done answers with the task's card and its `evidence` input; bad evidence
 * is refused on that card; the close happens once under replayed and concurrent clicks; a late
 * click hears who closed it; hostile text stays inert in every card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps, auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { cardHazards, HOSTILE } from '../helpers/hostile-text';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';

let bench: TeamsBench;
let ownerTask: typeof tasks.$inferSelect;

beforeAll(async () => {
  bench = await startTeamsBench('pglite');
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.compliance]) await bench.installPersonal(u);
  await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('CV [x](https://evil.example) **b**', people.bob.aad), highAnswers));
  const [system] = await bench.db.db.select().from(aiSystems);
  await bench.drain();
  const steps = await bench.db.db
    .select({ id: approvalSteps.id, role: approvalSteps.role })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .where(eq(approvalRequests.systemId, system!.id));
  const who = { owner: people.bob, compliance: people.compliance, privacy: people.dpo } as const;
  for (const s of steps) await bench.execute(who[s.role as keyof typeof who], { action: 'approval.approve', stepId: s.id }, { channel: true });
  await bench.drain();
  ownerTask = (await bench.db.db.select().from(tasks).where(eq(tasks.title, 'High-risk deployer duties')))[0]!;
});
afterAll(async () => bench?.close());

describe('Teams tasks', () => {
  it('lists the owner tasks after the approval with Done and Not applicable', async () => {
    expect(ownerTask).toBeDefined();
    const card = await bench.say(people.bob, 'tasks');
    const text = cardText(card);
    expect(text).toContain(`T-${ownerTask.number}`);
    expect(text).toContain('High-risk deployer duties');
    expect(text).not.toContain('AI literacy');
    const actions = buttons(card).filter((b) => b.data.ref === `T-${ownerTask.number}`).map((b) => b.data.action);
    expect(actions).toEqual(['task.done', 'task.not_applicable']);
    expect(cardHazards(card)).toEqual([]);
    expect(cardText(await bench.say(people.bob, 'tasks overdue'))).toContain('Only compliance can list');
  });

  it('Done asks for evidence, refuses a bad one on the card, and closes once under replays and races', async () => {
    const ref = `T-${ownerTask.number}`;
    expect(cardText(await bench.execute(people.mallory, { action: 'task.done', ref }))).toContain(`compliance can close ${ref}`);
    const form = await bench.execute(people.bob, { action: 'task.done', ref });
    expect(inputs(form).map((i) => i.id)).toEqual(['evidence']);
    const submit = buttons(form).find((b) => b.data.action === 'task.done')!;
    const bad = await bench.execute(people.bob, { ...submit.data, evidence: '' });
    expect(cardText(bad)).toContain('Give evidence that the task is done');
    // A client that leaves an empty input out is told the same.
    expect(cardText(await bench.execute(people.bob, { ...submit.data }))).toContain('Give evidence that the task is done');
    expect((await bench.db.db.select().from(tasks).where(eq(tasks.id, ownerTask.id)))[0]!.status).toBe('open');
    const answers = await Promise.all(Array.from({ length: 5 }, () => bench.execute(people.bob, { ...submit.data, evidence: `https://wiki.example/logs ${HOSTILE}` })));
    const texts = answers.map(cardText);
    expect(texts.filter((t) => t.includes('is done; the evidence is recorded'))).toHaveLength(1);
    expect(texts.filter((t) => /already done by Bob on \d{4}-\d\d-\d\d/.test(t))).toHaveLength(4);
    for (const a of answers) expect(cardHazards(a)).toEqual([]);
    const done = await bench.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.done'), eq(auditEvents.subjectId, ref)));
    expect(done).toHaveLength(1);
    const late = await bench.execute(people.bob, { action: 'task.done', ref });
    expect(cardText(late)).toMatch(/already done by Bob/);
    expect(buttons(late)).toEqual([]);
  });

  it('a reminder reaches the owner personally as a card with Done and Not applicable; a closed task is not chased', async () => {
    const [open] = await bench.db.db.select().from(tasks).where(and(eq(tasks.title, 'Inform the people affected'), eq(tasks.status, 'open')));
    const conv = `a:personal-${people.bob.aad}`;
    const before = bench.fake.sent(conv).length;
    const asOf = new Date(`${open!.dueDate}T10:00:00Z`);
    asOf.setUTCDate(asOf.getUTCDate() - 2);
    bench.clock.set(asOf);
    await flows.runTaskReminders({ db: bench.db.db, policy: bench.policy }, asOf);
    await bench.drain();
    const cards = bench.fake.sent(conv).slice(before).map((c) => cardOf(c.body));
    const card = cards.find((c) => cardText(c).includes(`T-${open!.number}`));
    expect(card, cards.map(cardText).join('\n')).toBeDefined();
    expect(buttons(card!).map((b) => b.data.action)).toEqual(['task.done', 'task.not_applicable']);
    // The already-done task was not reminded.
    expect(cards.some((c) => cardText(c).includes(`T-${ownerTask.number} `))).toBe(false);
  });

  it('not applicable needs a reason; compliance closes its own group task', async () => {
    const [dpia] = await bench.db.db.select().from(tasks).where(eq(tasks.title, 'Data protection impact assessment'));
    const ref = `T-${dpia!.number}`;
    const form = await bench.execute(people.compliance, { action: 'task.not_applicable', ref });
    expect(inputs(form).map((i) => i.id)).toEqual(['reason']);
    expect(cardText(await bench.execute(people.compliance, { action: 'task.not_applicable', ref, reason: ' ' }))).toContain('Say why the task does not apply');
    const ok = await bench.execute(people.compliance, { action: 'task.not_applicable', ref, reason: `No personal data ${HOSTILE}` });
    expect(cardText(ok)).toContain('marked not applicable');
    const [after] = await bench.db.db.select().from(tasks).where(eq(tasks.id, dpia!.id));
    expect(after!.status).toBe('not_applicable');
  });
});
