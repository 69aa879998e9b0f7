/**
 * Teams asks only what can succeed and says it in people's words: rights and state are checked
 * before a review or resubmit card is shown, snooze answers are checked one by one, and cards and
 * messages read statuses, roles and dates (in the policy's time zone) as people read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps, reviews } from '../../db/schema';
import { localDay } from '../../flows/display';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

let bench: TeamsBench;

/** Noon UTC is already the next day in Auckland (UTC+13 in November). */
const NOW = '2026-11-02T12:00:00Z';
const LOCAL_TODAY = '2026-11-03';
const INTERNAL = /pending_approval|changes_requested|out_of_scope|\bteams:|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/;

beforeAll(async () => {
  bench = await startTeamsBench('pglite', teamsPolicy({ organization: { name: 'Acme', timezone: 'Pacific/Auckland' } }));
  bench.clock.set(NOW);
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.mallory]) await bench.installPersonal(u);
});
afterAll(async () => bench?.close());

/** Alice registers a minimal tool owned by Bob; returns its ref, id and owner step. */
async function registered(name: string) {
  await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor(name, people.bob.aad), minimalAnswers));
  const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, name));
  await bench.drain();
  const [owner] = await bench.db.db
    .select({ id: approvalSteps.id })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .where(and(eq(approvalRequests.systemId, system!.id), eq(approvalSteps.role, 'owner')));
  return { ref: `AI-${system!.refNumber}`, systemId: system!.id, ownerStep: owner!.id };
}

async function approved(name: string) {
  const t = await registered(name);
  await bench.execute(people.bob, { action: 'approval.approve', stepId: t.ownerStep }, { channel: true });
  await bench.drain();
  return t;
}

const openReview = async (systemId: number) => (await bench.db.db.select().from(reviews).where(and(eq(reviews.systemId, systemId), eq(reviews.status, 'open'))))[0]!;

describe('Teams checks before it asks', () => {
  it('review: a stranger hears the refusal instead of the card; the owner gets the card', async () => {
    const { ref } = await approved('Review Rights');
    const refused = await bench.say(people.mallory, `review ${ref}`);
    expect(cardText(refused)).toContain(`Only the owner of ${ref} (Bob) or compliance can review it.`);
    expect(inputs(refused)).toEqual([]);
    expect(buttons(refused)).toEqual([]);

    const card = await bench.say(people.bob, `review ${ref}`);
    expect(buttons(card).map((b) => b.data.action)).toEqual(['review.confirm', 'review.update', 'review.retire', 'review.snooze']);
    // A stranger who sends the card's action anyway hears the same refusal, and nothing changes.
    const forged = await bench.execute(people.mallory, { action: 'review.retire', ref, reason: 'mine now' });
    expect(cardText(forged)).toContain('Only the owner');
    expect(buttons(forged)).toEqual([]);
  });

  it('review of a tool that is not approved offers only retiring; of a retired tool, the refusal', async () => {
    const { ref } = await registered('Review State');
    const pending = await bench.say(people.bob, `review ${ref}`);
    expect(cardText(pending)).toContain(`${ref} is waiting for approval: only an approved tool has a review`);
    expect(buttons(pending).map((b) => b.data.action)).toEqual(['review.retire']);
    expect(inputs(pending).map((i) => i.id)).toEqual(['reason']);
    const retired = await bench.execute(people.bob, { action: 'review.retire', ref, reason: 'not needed' });
    expect(cardText(retired)).toContain('is retired');

    const again = await bench.say(people.bob, `review ${ref}`);
    expect(cardText(again)).toMatch(/retired/i);
    expect(buttons(again)).toEqual([]);
    expect(inputs(again)).toEqual([]);
  });

  it('resubmit: refused before the form for someone else, and for a tool that needs no resubmission', async () => {
    const { ref, ownerStep } = await registered('Resubmit Rights');
    const early = await bench.say(people.alice, `resubmit ${ref}`);
    expect(cardText(early)).toContain('only a system that was rejected or on which changes were requested can be resubmitted');
    expect(inputs(early)).toEqual([]);

    await bench.execute(people.bob, { action: 'approval.request_changes', stepId: ownerStep, reason: 'Name the vendor contract' }, { channel: true });
    await bench.drain();
    const stranger = await bench.say(people.mallory, `resubmit ${ref}`);
    expect(cardText(stranger)).toContain(`Only the owner or the submitter of ${ref} can resubmit it (Bob or Alice).`);
    expect(inputs(stranger)).toEqual([]);
    const form = await bench.say(people.alice, `resubmit ${ref}`);
    expect(inputs(form).length).toBeGreaterThan(0);

    // The submitter's outcome card says it in words: "changes were requested", the role, the local date.
    const outcome = bench.fake.sent(`a:personal-${people.alice.aad}`).map((c) => cardText(cardOf(c.body))).find((t) => t.includes('Resubmit Rights'))!;
    expect(outcome).toContain('Changes were requested for');
    expect(outcome).toContain(`Changes requested by Bob (business owner step) on ${LOCAL_TODAY}.`);
    expect(outcome).not.toMatch(INTERNAL);
  });

  it('snooze: each answer is checked with its own message, and nothing changes until both are right', async () => {
    const { ref, systemId } = await approved('Snooze Answers');
    const cases: Array<[string | undefined, string, RegExp]> = [
      [undefined, 'on holiday', /give the number of days, from 1 to 30/],
      ['0', 'on holiday', /"0" is not a whole number of days from 1 to 30/],
      ['31', 'on holiday', /"31" is not a whole number of days from 1 to 30/],
      ['2.5', 'on holiday', /"2.5" is not a whole number/],
      ['abc', 'on holiday', /"abc" is not a whole number/],
      ['7', '   ', /say why the review is postponed/],
    ];
    for (const [days, reason, message] of cases) {
      const card = await bench.execute(people.bob, { action: 'review.snooze', ref, ...(days === undefined ? {} : { days }), reason });
      expect(cardText(card), String(days)).toMatch(message);
      expect(buttons(card).map((b) => b.data.action), String(days)).toContain('review.snooze');
      expect((await openReview(systemId)).snoozedUntil, String(days)).toBeNull();
    }
    const done = await bench.execute(people.bob, { action: 'review.snooze', ref, days: 7, reason: 'on holiday' });
    const until = (await openReview(systemId)).snoozedUntil!;
    expect(until).not.toBeNull();
    // The date as Auckland reads it.
    expect(cardText(done)).toContain(`paused until ${localDay(until, 'Pacific/Auckland')}`);
  });

  it('cards read statuses, roles and dates as people read them, in the policy time zone', async () => {
    const { ref } = await registered('Plain Words');
    const shown = cardText(await bench.say(people.alice, `show ${ref}`));
    expect(shown).toContain('Status: waiting for approval');
    expect(shown).toContain(`Submitted by: Alice on ${LOCAL_TODAY}`);
    expect(shown).toContain('business owner: waiting');
    expect(shown).not.toMatch(INTERNAL);
    const list = cardText(await bench.say(people.alice, 'list'));
    expect(list).toContain('Plain Words — waiting for approval, minimal risk');
    expect(list).not.toMatch(INTERNAL);
  });
});
