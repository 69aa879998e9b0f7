/**
 * Blocked (prohibited) tools read consistently (issue 11, item 3): the owner step is closed at
 * once, only compliance acts (confirm the block or send it back), no next review, `check` says
 * "prohibited — do not use" without allowed data, no Approve button or hint anywhere, and the
 * approval reminders never chase it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems, notifications, reviews } from '../../db/schema';
import * as flows from '../../flows';
import { renderCheck as shellCheck, renderPending } from '../../adapters/shell/render';
import { renderCheck as slackCheck, } from '../../adapters/slack/render-system';
import { renderRequestParent, renderStepReply } from '../../adapters/slack/render-request';
import { checkCard } from '../../adapters/teams/render-views';
import { approvalCard } from '../../adapters/teams/approval-card';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers, prohibitedAnswers } from '../fixtures/answers';

const clock = testClock();
let database: TestDatabase;
let as: ReturnType<typeof actors>['as'];
let deps: ReturnType<typeof actors>['deps'];

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  ({ as, deps } = actors(database.db, clock));
});
afterAll(async () => database?.destroy());

const DAY = 86_400_000;

async function registerScorer(name: string) {
  const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: prohibitedAnswers });
  if (r.kind !== 'registered') throw new Error(r.kind);
  return r;
}

describe('a prohibited registration', () => {
  it('is blocked with the owner step closed; only compliance is waited for', async () => {
    const r = await registerScorer('Scorer');
    expect(r.request.status).toBe('blocked');
    expect(r.request.steps.map((s) => [s.role, s.status])).toEqual([
      ['owner', 'cancelled'],
      ['compliance', 'pending'],
    ]);
    expect(r.system.nextReviewAt).toBeNull();
    const bob = await as('bob');
    expect(await flows.pendingForMe(bob)).toEqual([]);
    for (const decision of ['approve', 'reject', 'request_changes'] as const) {
      const refused = await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision, reason: 'x' });
      expect(refused).toMatchObject({ code: 'blocked', message: expect.stringContaining('only compliance acts on it') });
    }
    const carol = await as('carol');
    expect((await flows.pendingForMe(carol)).map((p) => p.request.systemName)).toContain('Scorer');
    expect(await flows.decideForSystem(carol, r.system.ref, 'approve')).toMatchObject({ code: 'blocked', message: expect.stringContaining('cannot be approved') });
  });

  it('compliance confirms the block: the request is closed as blocked and the submitter is told', async () => {
    const r = await registerScorer('Scorer Two');
    const carol = await as('carol');
    const d = await flows.decideForSystem(carol, r.system.ref, 'reject', 'Social scoring is banned');
    expect(d).toMatchObject({ kind: 'recorded', outcome: 'blocked' });
    if (d.kind !== 'recorded') return;
    expect(d.request.decidedAt).not.toBeNull();
    expect(d.request.steps.every((s) => s.status !== 'pending')).toBe(true);
    const outcome = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, `approval.outcome:${r.request.id}:blocked`));
    expect(outcome).toHaveLength(1);
    expect(outcome[0]!.recipient).toEqual({ person: r.system.submittedBy.id });
    const [sys] = await database.db.select().from(aiSystems).where(eq(aiSystems.id, r.system.id));
    expect(sys).toMatchObject({ status: 'blocked', nextReviewAt: null });
  });

  it('compliance may send it back for changes (answers given by mistake)', async () => {
    const r = await registerScorer('Scorer Three');
    const cora = await as('cora');
    expect(await flows.decideForSystem(cora, r.system.ref, 'request_changes', 'Scoring was ticked by mistake')).toMatchObject({ kind: 'recorded', outcome: 'changes_requested' });
  });

  it('approval reminders never chase a blocked request', async () => {
    const r = await registerScorer('Scorer Four');
    const report = await flows.runApprovalReminders({ db: deps.db, policy: deps.policy }, new Date(clock.now().getTime() + 30 * DAY));
    expect(report.examined).toBeGreaterThanOrEqual(0);
    const reminders = await database.db.select().from(notifications).where(eq(notifications.kind, 'approval.reminder'));
    expect(reminders.filter((n) => (n.payload as { requestId: number }).requestId === r.request.id)).toEqual([]);
  });

  it('`check` says "prohibited — do not use" and nothing about allowed data, in every adapter', async () => {
    await registerScorer('Scorer Five');
    const found = await flows.check(await as('mallory'), 'scorer five');
    if (found.kind !== 'found') throw new Error('not found');
    expect(found.check).toMatchObject({ verdict: 'blocked', allowedData: [] });
    const shell = shellCheck(found.check);
    expect(shell).toContain('prohibited — do not use');
    expect(shell).not.toMatch(/allowed data/i);
    const slack = JSON.stringify(slackCheck(found.check));
    expect(slack).toContain('prohibited — do not use');
    expect(slack).not.toMatch(/allowed data/i);
    const teams = JSON.stringify(checkCard(found.check));
    expect(teams).toContain('prohibited — do not use');
    expect(teams).not.toMatch(/allowed data/i);
  });

  it('nobody is offered an Approve button or an `approve` hint', async () => {
    const r = await registerScorer('Scorer Six');
    const carol = await as('carol');
    const pending = (await flows.pendingForMe(carol)).filter((p) => p.request.id === r.request.id);
    expect(pending).toHaveLength(1);
    const hint = renderPending(pending);
    expect(hint).not.toContain('/aims approve');
    expect(hint).toContain(`/aims reject ${r.system.ref}`);
    const mentions = new Map<string, string>();
    const slack = [renderRequestParent(r.request, mentions, 'UTC'), ...r.request.steps.map((s) => renderStepReply(r.request, s, mentions, 'UTC'))];
    expect(JSON.stringify(slack)).not.toContain('approval.approve');
    // The compliance step still has its two decisions; the closed owner step has none.
    const ownerReply = JSON.stringify(renderStepReply(r.request, r.request.steps[0]!, mentions, 'UTC'));
    expect(ownerReply).not.toContain('approval.reject');
    expect(JSON.stringify(renderStepReply(r.request, r.request.steps[1]!, mentions, 'UTC'))).toContain('approval.reject');
    const card = JSON.stringify(approvalCard(r.request, { approver: { step: r.request.steps[1]! } }));
    expect(card).not.toContain('approval.approve');
    expect(card).toContain('approval.reject');
  });
});

describe('a re-triage that finds a prohibited practice', () => {
  it('blocks the system with no next review and no open review', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Drifter', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const bob = await as('bob');
    expect(await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'approve' })).toMatchObject({ kind: 'recorded' });
    const re = await flows.retriage(bob, r.system.ref, prohibitedAnswers);
    expect(re).toMatchObject({ kind: 'retriaged', system: { status: 'blocked', nextReviewAt: null }, request: { status: 'blocked' } });
    const open = await database.db.select().from(reviews).where(and(eq(reviews.systemId, r.system.id), eq(reviews.status, 'open')));
    expect(open).toEqual([]);
  });
});
