/**
 * The database refuses every SQL edit of the audit trail; and when someone who may disable its
 * triggers (the table owner, a superuser) makes the edit anyway, the chain names the event it
 * touched, whichever column it changed. Each edit runs in a transaction that is rolled back, so
 * every case starts from the same intact chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQL } from 'drizzle-orm';
import { eq, sql } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import * as flows from '../../flows';
import type { AuditVerification } from '../../flows/audit';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { disableTriggers, inRolledBack, refusal } from '../helpers/audit-attacks';

describe.each(DB_KINDS)('audit verify against SQL edits on %s', (kind) => {
  let database: TestDatabase;
  let ids: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, testClock());
    const alice = await as('alice');
    for (const name of ['One', 'Two']) {
      const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
    }
    const rows = (await database.db.execute(sql`select id from audit_events order by id`)) as unknown as
      | Array<{ id: number }>
      | { rows: Array<{ id: number }> };
    ids = (Array.isArray(rows) ? rows : rows.rows).map((r) => Number(r.id));
  });
  afterAll(async () => database?.destroy());

  /** Disables the append-only triggers, applies `edit`, verifies, and rolls everything back. */
  async function verifyAfter(edit: (id: number) => SQL, id: number): Promise<AuditVerification> {
    return inRolledBack(database.db, async (tx) => {
      await disableTriggers(tx);
      await tx.execute(edit(id));
      return flows.verifyAudit(tx);
    });
  }

  it('is intact before any edit', async () => {
    expect(ids.length).toBeGreaterThan(6);
    expect(await flows.verifyAudit(database.db)).toMatchObject({ ok: true, events: ids.length });
  });

  const edits: Array<[string, (id: number) => SQL]> = [
    ['data', (id) => sql`update audit_events set data = data || '{"x":1}'::jsonb where id = ${id}`],
    ['action', (id) => sql`update audit_events set action = 'step.rejected' where id = ${id}`],
    ['actor', (id) => sql`update audit_events set actor = 'shell:mallory' where id = ${id}`],
    ['occurred_at by an hour', (id) => sql`update audit_events set occurred_at = occurred_at + interval '1 hour' where id = ${id}`],
    ['occurred_at by microseconds', (id) => sql`update audit_events set occurred_at = occurred_at + interval '300 microseconds' where id = ${id}`],
    ['subject_id', (id) => sql`update audit_events set subject_id = '999' where id = ${id}`],
    ['hash', (id) => sql`update audit_events set hash = repeat('a', 64) where id = ${id}`],
    ['prev_hash', (id) => sql`update audit_events set prev_hash = repeat('a', 64) where id = ${id}`],
    ['seq', (id) => sql`update audit_events set seq = 900 where id = ${id}`],
  ];
  it.each(edits)('refuses a change of %s, and names the event when the trigger was disabled', async (_column, edit) => {
    const target = ids[3]!;
    expect(await refusal(database.db, edit(target))).toMatch(/audit_events is append-only: UPDATE refused/);
    const result = await verifyAfter(edit, target);
    expect(result).toMatchObject({ ok: false, eventId: target });
  });

  it('refuses to delete the newest events; deleted with the trigger disabled, the head shows it', async () => {
    const last = ids.at(-1)!;
    expect(await refusal(database.db, sql`delete from audit_events where id >= ${ids.at(-2)!}`)).toMatch(/audit_events is append-only: DELETE refused/);
    const result = await verifyAfter((id) => sql`delete from audit_events where id >= ${id}`, ids.at(-2)!);
    expect(result).toMatchObject({ ok: false, eventId: null, seq: ids.length - 1 });
    expect(result.ok === false && result.problem).toMatch(new RegExp(`events ${ids.length - 1} to ${ids.length} are missing`));
    expect(last).toBeGreaterThan(0);
  });

  it('names an event appended outside the bot, even with a correctly computed hash', async () => {
    // The database lets rows be added (that is all the bot does); only the head can tell this one apart.
    const result = await inRolledBack(database.db, async (tx) => {
      const [last] = await tx.select().from(auditEvents).where(eq(auditEvents.id, ids.at(-1)!));
      const forged = { ...last!, seq: last!.seq + 1, actor: 'shell:mallory', action: 'step.approved', prevHash: last!.hash };
      const { id: _id, ...row } = forged;
      await tx.insert(auditEvents).values({ ...row, hash: flows.eventHash(forged) });
      return flows.verifyAudit(tx);
    });
    expect(result).toMatchObject({ ok: false, seq: ids.length + 1 });
    expect(result.ok === false && result.eventId).toBeGreaterThan(ids.at(-1)!);
  });

  it('names the event after a deleted one', async () => {
    expect(await refusal(database.db, sql`delete from audit_events where id = ${ids[3]!}`)).toMatch(/audit_events is append-only: DELETE refused/);
    const result = await verifyAfter((id) => sql`delete from audit_events where id = ${id}`, ids[3]!);
    expect(result).toMatchObject({ ok: false, eventId: ids[4] });
  });
});
