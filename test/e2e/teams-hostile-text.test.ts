/**
 * Hostile text through the real Teams adapter: a registration whose fields try markdown, a
 * rejection reason, an unknown command and a generic notification all reach people as typed,
 * with nothing live; forms that a forged action or command would open are refused first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, approvalSteps, people as peopleTable } from '../../db/schema';
import * as flows from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { cardHazards, cardShows, HOSTILE_TEXT, LINK } from '../helpers/hostile-text';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';

/** A tool name within the 80-character limit that tries a link, bold, a mention, an entity and U+202E. */
const NAME = `${LINK} **b** <@U1> &lt; \u202Eab \`c\``;
const SHOWN_NAME = NAME.replace('\u202E', '');

let bench: TeamsBench;
const personal = (u: { aad: string }) => `a:personal-${u.aad}`;

beforeAll(async () => {
  bench = await startTeamsBench('pglite');
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.mallory]) await bench.installPersonal(u);
});
afterAll(async () => bench?.close());

/** The reference of the first system registered (the hostile one). */
async function firstRef(): Promise<string> {
  const [system] = await bench.db.db.select().from(aiSystems).orderBy(aiSystems.refNumber).limit(1);
  return `AI-${system!.refNumber}`;
}

describe('Teams: hostile text', () => {

  it('a registration shows its fields as typed on the result and on the approval card', async () => {
    const fields = { ...fieldsFor(NAME, people.bob.aad), vendor: NAME, department: NAME, purpose: HOSTILE_TEXT };
    const last = await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fields, minimalAnswers));
    const [system] = await bench.db.db.select().from(aiSystems);
    expect(system, cardText(last)).toBeDefined();
    expect(system!.name).toBe(SHOWN_NAME);
    const ref = await firstRef();
    expect(cardHazards(last)).toEqual([]);
    expect(cardShows(last, `Registered ${ref} ${SHOWN_NAME}`)).toBe(true);

    await bench.drain();
    const posted = cardOf(bench.fake.sent(APPROVALS)[0]!.body);
    expect(cardHazards(posted)).toEqual([]);
    expect(cardShows(posted, SHOWN_NAME)).toBe(true);
    const shown = await bench.say(people.alice, `show ${ref}`);
    expect(cardHazards(shown)).toEqual([]);
    expect(cardShows(shown, HOSTILE_TEXT.split('\n')[0]!.replace('\u202E', ''))).toBe(true);
  });

  it('the rejection reason reaches the submitter as typed', async () => {
    const ref = await firstRef();
    const [step] = await bench.db.db.select().from(approvalSteps);
    const answer = await bench.execute(people.bob, { action: 'approval.reject', stepId: step!.id, reason: HOSTILE_TEXT }, { channel: true });
    expect(cardHazards(answer)).toEqual([]);
    await bench.drain();
    const outcome = bench.fake.sent(personal(people.alice)).map((c) => cardOf(c.body)).find((c) => cardText(c).includes('was rejected'));
    expect(outcome, 'the outcome card').toBeDefined();
    expect(cardHazards(outcome!)).toEqual([]);
    expect(cardShows(outcome!, `${ref} ${SHOWN_NAME} was rejected`)).toBe(true);
    expect(cardShows(outcome!, '# h')).toBe(true);
  });

  it('an unknown command is named as typed in the help', async () => {
    const card = await bench.say(people.alice, `${LINK} **b**`);
    expect(cardHazards(card)).toEqual([]);
    expect(cardShows(card, `Unknown command "${LINK}"`)).toBe(true);
  });

  it('a notification of a kind the deliverer does not know shows its text as typed', async () => {
    const [alice] = await bench.db.db.select().from(peopleTable).where(eq(peopleTable.platformId, `teams:${people.alice.aad}`));
    await flows.enqueue(bench.db.db, {
      workspaceId: alice!.workspaceId,
      dedupeKey: 'hostile-note',
      kind: 'note.custom',
      recipient: { person: alice!.id },
      payload: { text: HOSTILE_TEXT },
      notBefore: bench.clock.now(),
    });
    const before = bench.fake.sent(personal(people.alice)).length;
    await bench.drain();
    const note = cardOf(bench.fake.sent(personal(people.alice))[before]!.body);
    expect(cardHazards(note)).toEqual([]);
    expect(cardShows(note, '- i')).toBe(true);
  });

  it('resubmit by someone who is neither owner nor submitter is refused before the form', async () => {
    const card = await bench.say(people.mallory, `resubmit ${await firstRef()}`);
    expect(inputs(card)).toEqual([]);
    expect(cardText(card)).toContain('Only the owner or the submitter');
  });

  it('the review form is refused to someone who may not review the system', async () => {
    const owner = await bench.say(people.bob, 'register');
    await bench.fillForm(people.bob, owner, formValues(fieldsFor('Plain Tool', people.bob.aad), minimalAnswers));
    const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Plain Tool'));
    const [step] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.status, 'pending'));
    await bench.execute(people.bob, { action: 'approval.approve', stepId: step!.id }, { channel: true });
    const plain = `AI-${system!.refNumber}`;
    const refused = await bench.execute(people.mallory, { action: 'review.update', ref: plain });
    expect(cardText(refused)).toContain(`Only the owner of ${plain}`);
    expect(inputs(refused).map((i) => i.id)).not.toContain('ai_capabilities');
    const form = await bench.execute(people.bob, { action: 'review.update', ref: plain });
    expect(inputs(form).length).toBeGreaterThan(0);
    expect(inputs(form).map((i) => i.id)).not.toContain('reason');
  });
});
