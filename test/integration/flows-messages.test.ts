/**
 * What flows say where people read (issue 11, item 7): names rather than platform ids, status
 * words rather than ids, dates in the policy's time zone.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

const clock = testClock('2026-11-02T20:30:00Z');
let database: TestDatabase;
let as: ReturnType<typeof actors>['as'];
let deps: ReturnType<typeof actors>['deps'];
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  // In Auckland (UTC+13) 2026-11-02 20:30 UTC is already 2026-11-03 09:30.
  ({ as, deps } = actors(database.db, clock, testPolicy({ organization: { timezone: 'Pacific/Auckland' }, approvals: { remindAfterHours: 48, escalateAfterReminders: 1 } })));
});
afterAll(async () => database?.destroy());

describe('messages people read', () => {
  it('a late decision is told who decided and when, in the policy time zone', async () => {
    const r = await flows.register(await as('alice'), { fields: fieldsFor('Late Click', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const bob = await as('bob');
    await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'request_changes', reason: 'fix it' });
    const again = await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'approve' });
    expect(again).toMatchObject({ code: 'already_decided', message: 'Already decided: bob requested changes on the owner step on 2026-11-03 09:30 (Pacific/Auckland).' });
    expect(again.kind === 'refused' && again.message).not.toContain('changes_requested');
  });

  it('approval reminders and escalations name roles and people, not platform ids', async () => {
    const r = await flows.register(await as('alice'), { fields: fieldsFor('Slow Tool', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    await flows.runApprovalReminders({ db: deps.db, policy: deps.policy }, new Date(clock.now().getTime() + 50 * HOUR));
    const rows = await database.db.select().from(notifications).where(eq(notifications.kind, 'approval.escalation'));
    const texts = rows.map((n) => (n.payload as { text: string }).text);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Stalled approval: the business owner step of'),
        expect.stringContaining('(approvers: carol, cora)'),
      ]),
    );
    for (const t of texts) expect(t).not.toMatch(/shell:/);
  });

  it('the digest counts requests for changes grammatically', async () => {
    const digest = await flows.buildDigest(database.db, deps.policy, (await as('alice')).workspace.id, new Date(clock.now().getTime() - 86_400_000), new Date(clock.now().getTime() + 86_400_000));
    const text = flows.renderDigestText(digest);
    expect(text).toContain('1 request for changes');
    expect(text).not.toContain('changes requested,');
  });
});
