/**
 * Whole flows racing in one workspace, on both databases: registrations (some with the same
 * name) and decisions at once. Registrations take turns on the workspace row and every flow step
 * appends its audit events last, right before commit; this checks that nothing deadlocks, a name
 * is registered once, reference numbers have no gaps, each transaction's events stay together,
 * and the chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { aiSystems, auditEvents, workspaces } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('racing flows in one workspace on %s', (kind) => {
  let database: TestDatabase;
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as } = actors(database.db, testClock()));
  });
  afterAll(async () => database?.destroy());

  it('registrations and decisions at once: one system per name, gap-free references, one verifiable chain', async () => {
    const alice = await as('alice');
    const [bob, carol, pat] = [await as('bob'), await as('carol'), await as('pat')];
    // Requests already open, decided while the registrations below run.
    const open = [];
    for (const name of ['Early One', 'Early Two', 'Early Three']) {
      const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers: highAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      open.push(r.request);
    }
    const deciderOf = { owner: bob, compliance: carol, privacy: pat } as Record<string, typeof bob>;
    const decisions = open.flatMap((req) =>
      req.steps.map((s) => () => flows.decideStep(deciderOf[s.role]!, { stepId: s.id, decision: 'approve' })),
    );
    const registrations = [
      ...Array.from({ length: 8 }, (_, i) => `Racing ${i}`),
      ...Array.from({ length: 4 }, () => 'Same Name'),
    ].map((name) => () => flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers: highAnswers }));
    const results = await Promise.all([...registrations, ...decisions].map((run) => run()));

    const regs = results.slice(0, registrations.length);
    expect(regs.filter((r) => r.kind === 'registered')).toHaveLength(9);
    expect(regs.slice(8).filter((r) => r.kind === 'duplicate')).toHaveLength(3);
    expect(results.slice(registrations.length).map((r) => r.kind)).toEqual(decisions.map(() => 'recorded'));

    const systems = await database.db.select({ ref: aiSystems.refNumber, status: aiSystems.status }).from(aiSystems).orderBy(asc(aiSystems.refNumber));
    expect(systems.map((s) => s.ref)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(systems.slice(0, 3).map((s) => s.status)).toEqual(['approved', 'approved', 'approved']);
    const [ws] = await database.db.select({ nextRef: workspaces.nextRef }).from(workspaces);
    expect(ws!.nextRef).toBe(13);

    // Each registration's three events sit next to each other in the chain.
    const events = await database.db.select({ seq: auditEvents.seq, action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.seq));
    for (const [i, e] of events.entries()) {
      if (e.action !== 'system.registered') continue;
      expect(events.slice(i, i + 3).map((x) => x.action)).toEqual(['system.registered', 'assessment.submitted', 'approval.requested']);
    }
    expect(events.filter((e) => e.action === 'request.approved')).toHaveLength(3);
    expect(await flows.verifyAudit(database.db)).toMatchObject({ ok: true, events: events.length });
  });

  it('a refused decision appends nothing and leaves the head where it was', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: fieldsFor('Refused Here', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const [before] = await database.db.select({ seq: workspaces.auditSeq }).from(workspaces);
    const mallory = await as('mallory');
    const out = await flows.decideStep(mallory, { stepId: r.request.steps[0]!.id, decision: 'approve' });
    expect(out.kind).toBe('refused');
    const [after] = await database.db.select({ seq: workspaces.auditSeq }).from(workspaces);
    expect(after!.seq).toBe(before!.seq);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.seq, before!.seq + 1))).toHaveLength(0);
  });
});
