/**
 * A connection dropped in the middle of an improvement-loop change leaves nothing half-written:
 * the incident is not reported without its NC, notice and audit event; a containment is not
 * recorded without its event; trying again then works once. Real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { faultyDb } from '../helpers/faulty-db';
import { actors } from '../helpers/flows';

describe('improvement loop: the database connection dropped mid-change', () => {
  let database: TestDatabase;
  const clock = testClock('2026-11-30T10:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => database?.destroy());

  it('an incident whose NC insert fails is not reported at all; the retry reports it once with its NC', async () => {
    const fault = faultyDb();
    const { as } = actors(fault.wrap(database.db), clock);
    const alice = await as('alice');
    const reg = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:alice'), answers: highAnswers });
    if (reg.kind !== 'registered') throw new Error('not registered');
    const values = { system: reg.system.ref, occurred_at: '2026-11-29 08:00', description: 'Ranked applicants by surname', harm: 'to_rights', serious: 'yes' };
    const eventsBefore = (await database.db.select().from(auditEvents)).length;

    fault.failNext('insert', nonconformities, 1);
    await expect(flows.reportIncident(alice, values)).rejects.toThrow(/terminating connection/);
    expect(fault.failures).toBe(1);
    expect(await database.db.select().from(incidents)).toHaveLength(0);
    expect(await database.db.select().from(nonconformities)).toHaveLength(0);
    expect(await database.db.select().from(notifications).where(eq(notifications.kind, 'incident.reported'))).toHaveLength(0);
    expect(await database.db.select().from(auditEvents)).toHaveLength(eventsBefore);

    expect(await flows.reportIncident(alice, values)).toMatchObject({ kind: 'reported', incident: { ref: 'INC-1' } });
    const [incident] = await database.db.select().from(incidents);
    const ncs = await database.db.select().from(nonconformities);
    expect(ncs).toHaveLength(1);
    expect(incident!.ncId).toBe(ncs[0]!.id);
  });

  it('a containment sent while the database is unreachable changes nothing; sent again it is recorded once', async () => {
    const fault = faultyDb();
    const { as } = actors(fault.wrap(database.db), clock);
    const alice = await as('alice');
    const [nc] = await database.db.select().from(nonconformities);
    const ref = `NC-${nc!.number}`;
    const eventsBefore = (await database.db.select().from(auditEvents)).length;
    fault.down();
    await expect(flows.containNc(alice, ref, { containment: 'Switched the ranking off' })).rejects.toThrow(/terminating connection/);
    fault.up();
    const [still] = await database.db.select().from(nonconformities);
    expect(still!.containment).toBeNull();
    expect(await database.db.select().from(auditEvents)).toHaveLength(eventsBefore);
    expect(await flows.containNc(alice, ref, { containment: 'Switched the ranking off' })).not.toHaveProperty('code');
    const [after] = await database.db.select().from(nonconformities);
    expect(after!.containment).toBe('Switched the ranking off');
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'nc.contained'))).toHaveLength(1);
  });
});
