/**
 * The flows' pre-checks that adapters call before the first question (issue 11, item 1):
 * `resubmittable` for resubmit, `reviewable` (with the allowed statuses) for review and retire,
 * `snoozable` and `snoozeDaysProblem` for snooze (see snooze.test.ts). Each refuses with a clear
 * sentence and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

const clock = testClock();
let database: TestDatabase;
let as: ReturnType<typeof actors>['as'];

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  ({ as } = actors(database.db, clock));
});
afterAll(async () => database?.destroy());

async function tool(name: string, outcome: 'approve' | 'request_changes' | null) {
  const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
  if (r.kind !== 'registered') throw new Error(r.kind);
  if (outcome) {
    const d = await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: outcome, reason: 'please fix the purpose' });
    expect(d.kind).toBe('recorded');
  }
  return r.system;
}

const eventCount = async () => (await database.db.select().from(auditEvents)).length;

describe('resubmittable', () => {
  it('refuses someone who is neither owner nor submitter, before saying anything about the state', async () => {
    const sys = await tool('Sent Back', 'request_changes');
    expect(await flows.resubmittable(await as('mallory'), sys.ref)).toEqual({
      kind: 'refused',
      code: 'not_authorised',
      message: `Only the owner or the submitter of ${sys.ref} can resubmit it (bob or alice).`,
    });
    const approved = await tool('Fine Tool', 'approve');
    expect(await flows.resubmittable(await as('mallory'), approved.ref)).toMatchObject({ code: 'not_authorised' });
  });

  it('refuses a system that was not sent back, in words people use', async () => {
    const approved = await tool('Approved Tool', 'approve');
    expect(await flows.resubmittable(await as('alice'), approved.ref)).toMatchObject({
      code: 'not_allowed',
      message: `${approved.ref} is approved; only a system that was rejected or on which changes were requested can be resubmitted.`,
    });
    const waiting = await tool('Waiting Tool', null);
    const r = await flows.resubmittable(await as('bob'), waiting.ref);
    expect(r).toMatchObject({ code: 'not_allowed', message: expect.stringContaining('is waiting for approval;') });
    expect(JSON.stringify(r)).not.toContain('pending_approval');
  });

  it('lets the owner and the submitter through', async () => {
    const sys = await tool('Fixable', 'request_changes');
    expect(await flows.resubmittable(await as('alice'), sys.ref)).toMatchObject({ ref: sys.ref, status: 'changes_requested' });
    expect(await flows.resubmittable(await as('bob'), sys.ref)).toMatchObject({ ref: sys.ref });
  });
});

describe('reviewable', () => {
  it('refuses a stranger (review and retire), naming who may', async () => {
    const sys = await tool('Reviewed Tool', 'approve');
    const before = await eventCount();
    const r = await flows.reviewable(await as('mallory'), sys.ref, ['approved']);
    expect(r).toEqual({ kind: 'refused', code: 'not_authorised', message: `Only the owner of ${sys.ref} (bob) or compliance can review it.` });
    expect(await flows.reviewable(await as('mallory'), sys.ref)).toMatchObject({ code: 'not_authorised' });
    expect(await eventCount()).toBe(before);
  });

  it('refuses a review of a tool that is not approved, without internal ids', async () => {
    const sys = await tool('Unreviewed', 'request_changes');
    const r = await flows.reviewable(await as('bob'), sys.ref, ['approved']);
    expect(r).toEqual({ kind: 'refused', code: 'not_allowed', message: `${sys.ref} is waiting for changes (changes were requested); reviewing or snoozing it needs it to be approved.` });
  });

  it('retirable: refuses a stranger and a retired system, lets the owner retire any other', async () => {
    const sys = await tool('Old Tool', 'request_changes');
    expect(await flows.retirable(await as('mallory'), sys.ref)).toMatchObject({ code: 'not_authorised', message: expect.stringContaining(`Only the owner of ${sys.ref}`) });
    expect(await flows.retirable(await as('bob'), sys.ref)).toMatchObject({ ref: sys.ref });
    expect(await flows.retire(await as('bob'), sys.ref, 'replaced')).toMatchObject({ kind: 'retired' });
    expect(await flows.retirable(await as('carol'), sys.ref)).toMatchObject({ code: 'already_decided', message: expect.stringMatching(/^Already retired: .* was retired by bob on /) });
  });

  it('lets the owner and compliance through', async () => {
    const sys = await tool('Due Tool', 'approve');
    expect(await flows.reviewable(await as('bob'), sys.ref, ['approved'])).toMatchObject({ ref: sys.ref });
    expect(await flows.reviewable(await as('carol'), sys.ref, ['approved'])).toMatchObject({ ref: sys.ref });
  });
});
