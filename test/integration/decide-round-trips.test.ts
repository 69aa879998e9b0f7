/**
 * A decision is one transaction with as few round trips as its result needs: the step, its
 * request and the system lock come in one statement, the request with its assessment in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors } from '../helpers/flows';

const OPS = ['select', 'insert', 'update', 'delete', 'execute'] as const;

/** Counts statements started on a handle and inside its transactions. */
function counting(db: Db) {
  let n = 0;
  const wrap = (target: Db): Db =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v = Reflect.get(t, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        if ((OPS as readonly (string | symbol)[]).includes(prop)) {
          return (...args: unknown[]) => {
            n += 1;
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        }
        if (prop === 'transaction') {
          return (fn: (tx: Db) => Promise<unknown>, ...rest: unknown[]) =>
            (v as (...a: unknown[]) => unknown).apply(t, [(tx: Db) => fn(wrap(tx)), ...rest]);
        }
        return v;
      },
    });
  return { db: wrap(db), get n() { return n; }, reset: () => void (n = 0) };
}

describe('register and decideStep round trips (pglite)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => database.destroy());

  it('registers in at most 18 statements (33 before; one takes the tool off the discovered, unregistered list; the number update reads the audit head), decides in at most 7 besides the view it answers with (11 before), and reads a request view in 1 (2 before: its people came in a second query)', async () => {
    const c = counting(database.db);
    const { as } = actors(c.db, testClock('2026-03-02T10:00:00Z'));
    const alice = await as('alice');
    c.reset();
    const r = await flows.register(alice, { fields: fieldsFor('Round Trip', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    // A new system's first assessment is version 1 without asking; its three audit events are one
    // append at the end; the views it answers with are one query each (the request's with its people);
    // one update marks a discovered tool of the same name or catalog id registered; the
    // notifications are written by the statement that appends the audit events.
    expect(c.n).toBeLessThanOrEqual(18);
    const step = r.request.steps.find((s) => s.approvers.includes('shell:carol'))!;
    const carol = await as('carol');
    // The view that answers the call is read after the transaction; count what comes before it.
    const viewReads = await (async () => {
      c.reset();
      await flows.loadRequestView(c.db, carol.deps.policy, carol.workspace.id, r.request.id);
      return c.n;
    })();
    // The request with its system, assessment, steps and the people it names, in one statement.
    expect(viewReads).toBe(1);
    c.reset();
    const d = await flows.decideStep(carol, { stepId: step.id, decision: 'approve' });
    expect(d.kind).toBe('recorded');
    expect(c.n - viewReads).toBeLessThanOrEqual(7);
    // A caller that needs no answer (a Slack button) records a decision without reading the view.
    const pat = await as('pat');
    const privacy = r.request.steps.find((s) => s.approvers.includes('shell:pat'))!;
    c.reset();
    const q = await flows.recordDecision(pat, { stepId: privacy.id, decision: 'approve' });
    expect(q.kind).toBe('recorded');
    expect(c.n).toBeLessThanOrEqual(7);
  });
});
