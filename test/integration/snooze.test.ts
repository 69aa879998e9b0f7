/**
 * Snooze (issue 11, item 4): the new reminder date is never before the due date's reminder
 * window, the result says it as a day in the policy's time zone, and a bad number of days is
 * refused with a specific sentence before anything is changed.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviews } from '../../db/schema';
import * as flows from '../../flows';
import { SNOOZE_MAX_DAYS, snoozeDaysProblem, snoozedUntil } from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

const DAY = 86_400_000;

describe('snoozeDaysProblem', () => {
  it.each([
    ['7', null],
    [' 30 ', null],
    [1, null],
    ['0', 'at least 1 day'],
    ['-3', 'at least 1 day'],
    [-3, 'at least 1 day'],
    ['31', `at most ${SNOOZE_MAX_DAYS} days`],
    ['2.5', 'not a whole number'],
    [2.5, 'not a whole number'],
    ['soon', '"soon" is not a number'],
    ['', 'Say for how many days'],
  ])('%j → %s', (input, problem) => {
    const got = snoozeDaysProblem(input);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});

describe('snoozedUntil', () => {
  const due = new Date('2027-01-31T09:00:00Z');
  it('inside the reminder window: from now', () => {
    expect(snoozedUntil(new Date('2027-01-20T09:00:00Z'), due, 14, 7).toISOString()).toBe('2027-01-27T09:00:00.000Z');
  });
  it('before the window opens: from the window, never before it', () => {
    const until = snoozedUntil(new Date('2026-12-01T09:00:00Z'), due, 14, 7);
    expect(until.toISOString()).toBe('2027-01-24T09:00:00.000Z');
    expect(until.getTime()).toBeGreaterThanOrEqual(due.getTime() - 14 * DAY);
  });
});

describe('snoozeReview', () => {
  const clock = testClock('2026-11-02T09:00:00Z');
  let database: TestDatabase;
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    // Auckland is 13 hours ahead: a snooze ending at 20:00 UTC is the next day there.
    ({ as } = actors(database.db, clock, testPolicy({ organization: { timezone: 'Pacific/Auckland' }, reviews: { minimalDays: 30, remindBeforeDays: 14 } })));
  });
  afterAll(async () => database?.destroy());

  async function approvedTool(name: string) {
    const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    expect(await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
    return r.system;
  }

  it('a snooze before the reminder window moves the first reminder past the window start', async () => {
    clock.set('2026-11-02T20:00:00Z');
    const sys = await approvedTool('Early Tool');
    // Due in 30 days (2026-12-02 20:00 UTC); the window opens 14 days before: 2026-11-18 20:00 UTC.
    const r = await flows.snoozeReview(await as('bob'), sys.ref, 5, 'vendor audit');
    expect(r).toMatchObject({ kind: 'snoozed' });
    if (r.kind !== 'snoozed') return;
    expect(r.until.toISOString()).toBe('2026-11-23T20:00:00.000Z');
    expect(r.untilLabel).toBe('2026-11-24');
    const [open] = await database.db.select().from(reviews).where(and(eq(reviews.systemId, sys.id), eq(reviews.status, 'open')));
    expect(open?.snoozedUntil?.toISOString()).toBe('2026-11-23T20:00:00.000Z');
  });

  it('a bad number is refused with a specific message and changes nothing', async () => {
    const sys = await approvedTool('Bad Numbers');
    const bob = await as('bob');
    for (const [days, text] of [[0, 'at least 1 day'], [-2, 'at least 1 day'], [31, 'at most 30 days'], [1.5, 'not a whole number'], ['ten', '"ten" is not a number']] as const) {
      const r = await flows.snoozeReview(bob, sys.ref, days, 'why not');
      expect(r).toMatchObject({ kind: 'refused', code: 'invalid', errors: [{ field: 'days', message: expect.stringContaining(text) }] });
    }
    const [open] = await database.db.select().from(reviews).where(and(eq(reviews.systemId, sys.id), eq(reviews.status, 'open')));
    expect(open?.snoozedUntil).toBeNull();
  });

  it('the pre-check refuses a stranger, a non-approved tool and a second snooze before anything is asked', async () => {
    const sys = await approvedTool('Precheck Tool');
    expect(await flows.snoozable(await as('mallory'), sys.ref)).toMatchObject({ code: 'not_authorised', message: expect.stringContaining('Only the owner of') });
    expect(await flows.snoozable(await as('bob'), sys.ref)).toMatchObject({ ref: sys.ref });
    expect(await flows.snoozeReview(await as('bob'), sys.ref, '3', 'busy')).toMatchObject({ kind: 'snoozed' });
    expect(await flows.snoozable(await as('bob'), sys.ref)).toMatchObject({ code: 'already_decided', message: expect.stringContaining('Already snoozed by bob') });
    const pending = await flows.register(await as('alice'), { fields: fieldsFor('Not Yet', 'shell:bob'), answers: minimalAnswers });
    if (pending.kind !== 'registered') throw new Error(pending.kind);
    expect(await flows.snoozable(await as('bob'), pending.system.ref)).toMatchObject({
      code: 'not_allowed',
      message: `${pending.system.ref} is waiting for approval; reviewing or snoozing it needs it to be approved.`,
    });
  });
});
