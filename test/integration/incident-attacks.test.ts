/** The incident form sent twice at once with its key reports one incident on real Postgres; without a key every report counts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { incidents } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors } from '../helpers/flows';

describe('incident.report replayed and raced', () => {
  let database: TestDatabase;
  const clock = testClock('2026-11-30T10:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => database?.destroy());

  it('one incident per form key, a clear answer to the second', async () => {
    const { as } = actors(database.db, clock);
    const alice = await as('alice');
    const reg = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (reg.kind !== 'registered') throw new Error('not registered');
    const values = { system: reg.system.ref, occurred_at: '2026-11-29 08:00', description: 'Ranked applicants by surname', harm: 'to_rights' };
    const key = '0f6c2a4e-9b1d-4c3e-8a7f-1d2e3f4a5b6c';
    const both = await Promise.all([flows.reportIncident(alice, values, key), flows.reportIncident(alice, values, key)]);
    expect(both.map((r) => r.kind).sort()).toEqual(['refused', 'reported']);
    expect(both.find((r) => r.kind === 'refused')).toMatchObject({ code: 'already_decided', message: 'This form already reported INC-1; nothing new was recorded.' });
    expect(await flows.reportIncident(alice, values, key)).toMatchObject({ code: 'already_decided' });
    // Another person's form with the same key is theirs.
    expect(await flows.reportIncident(await as('mallory'), values, key)).toMatchObject({ kind: 'reported', incident: { ref: 'INC-2' } });
    expect(await flows.reportIncident(alice, values)).toMatchObject({ kind: 'reported', incident: { ref: 'INC-3' } });
    expect(await database.db.select().from(incidents)).toHaveLength(3);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'incident.reported'))).toHaveLength(3);
  });
});
