/** A verification sent for an NC that never had corrective actions (a forged or stale nc.verify form) changes nothing and says what is missing, not that it was reopened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';

describe('nc.verify out of order', () => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T10:00:00Z');
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    ({ as } = actors(database.db, clock));
  });
  afterAll(async () => database?.destroy());

  const refusalOf = (r: flows.NcChanged | flows.Refusal): flows.Refusal => {
    if (r.kind !== 'refused') throw new Error(`expected a refusal, got: ${r.message}`);
    return r;
  };

  it('names the missing root cause, then the missing actions, and records nothing', async () => {
    const raised = await flows.raiseNc(await as('alice'), { source: 'other', severity: 'minor', description: 'No model card', owner: 'shell:bob' });
    if (raised.kind !== 'nc') throw new Error(raised.message);
    const fresh = refusalOf(await flows.verifyNc(await as('carol'), 'NC-1', { effective: 'yes' }));
    expect(fresh.message).toBe('NC-1 has no completed round of corrective actions to verify (record its root cause, then plan corrective actions).');
    const caused = await flows.setRootCause(await as('bob'), 'NC-1', { root_cause: 'No template' });
    if (caused.kind !== 'nc') throw new Error(caused.message);
    const planned = refusalOf(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'no' }));
    expect(planned.message).toBe('NC-1 has no completed round of corrective actions to verify (plan its corrective actions first).');
    const [nc] = await database.db.select().from(nonconformities);
    expect(nc).toMatchObject({ status: 'open', effective: null, verifiedAt: null });
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, 'NC-1'))).map((e) => e.action);
    expect(actions).toEqual(['nc.raised', 'nc.root_cause_set']);
  });
});
