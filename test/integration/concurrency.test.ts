/** Exactly-once decisions under concurrency, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { approvalRequests, approvalSteps, auditEvents } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('concurrent decisions on %s', (kind) => {
  let database: TestDatabase;
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as } = actors(database.db, testClock()));
  });
  afterAll(async () => database?.destroy());

  it('20 concurrent approvals of one step record one decision; 19 are told it was already decided', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Racer', 'shell:bob'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const bob = await as('bob');
    const stepId = r.request.steps[0]!.id;
    const results = await Promise.all(Array.from({ length: 20 }, () => flows.decideStep(bob, { stepId, decision: 'approve' })));
    expect(results.filter((x) => x.kind === 'recorded')).toHaveLength(1);
    const refused = results.filter((x) => x.kind === 'refused');
    expect(refused).toHaveLength(19);
    for (const x of refused) {
      expect(x).toMatchObject({ code: 'already_decided' });
      expect(x.kind === 'refused' && x.message).toMatch(/bob approved the owner step/);
    }
    const decided = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'step.approved'));
    expect(decided).toHaveLength(1);
    const outcome = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'request.approved'));
    expect(outcome).toHaveLength(1);
  });

  it('two approvers racing on different steps: both recorded, the request approved exactly once', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, {
      fields: fieldsFor('Two Steps', 'shell:bob'),
      answers: { ...minimalAnswers, data_categories: ['personal'] },
    });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const [ownerStep, privacyStep] = r.request.steps;
    const [bob, pat] = [await as('bob'), await as('pat')];
    const results = await Promise.all([
      flows.decideStep(bob, { stepId: ownerStep!.id, decision: 'approve' }),
      flows.decideStep(pat, { stepId: privacyStep!.id, decision: 'approve' }),
    ]);
    expect(results.map((x) => x.kind)).toEqual(['recorded', 'recorded']);
    const [req] = await database.db.select().from(approvalRequests).where(eq(approvalRequests.id, r.request.id));
    expect(req!.status).toBe('approved');
    const approvedEvents = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, String(r.request.id)));
    expect(approvedEvents.filter((e) => e.action === 'request.approved')).toHaveLength(1);
  });

  it('a reject racing an approve on the same step: exactly one wins and the other is told', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Contested', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const complianceStep = r.request.steps.find((s) => s.role === 'compliance')!;
    const [carol, cora] = [await as('carol'), await as('cora')];
    const results = await Promise.all([
      flows.decideStep(carol, { stepId: complianceStep.id, decision: 'approve' }),
      flows.decideStep(cora, { stepId: complianceStep.id, decision: 'reject', reason: 'not yet' }),
    ]);
    expect(results.filter((x) => x.kind === 'recorded')).toHaveLength(1);
    expect(results.filter((x) => x.kind === 'refused' && x.code === 'already_decided')).toHaveLength(1);
    const [step] = await database.db.select().from(approvalSteps).where(eq(approvalSteps.id, complianceStep.id));
    expect(['approved', 'rejected']).toContain(step!.status);
  });

  it('unauthorised deciders change nothing', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Guarded', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const before = await database.db.select().from(auditEvents);
    const mallory = await as('mallory');
    for (const step of r.request.steps) {
      expect(await flows.decideStep(mallory, { stepId: step.id, decision: 'approve' })).toMatchObject({ code: 'not_authorised' });
      expect(await flows.decideStep(mallory, { stepId: step.id, decision: 'reject', reason: 'x' })).toMatchObject({ code: 'not_authorised' });
    }
    const steps = await database.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, r.request.id));
    expect(steps.every((s) => s.status === 'pending' && s.decidedById === null)).toBe(true);
    expect(await database.db.select().from(auditEvents)).toHaveLength(before.length);
  });
});
