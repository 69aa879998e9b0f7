/**
 * The audit chain names the event an SQL edit touched, whichever column it changed. Each edit runs
 * in a transaction that is rolled back, so every case starts from the same intact chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import * as flows from '../../flows';
import type { AuditVerification } from '../../flows/audit';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

class Rollback extends Error {}

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

  /** Applies `edit`, verifies, and rolls everything back. */
  async function verifyAfter(edit: (id: number) => SQL, id: number): Promise<AuditVerification> {
    let result: AuditVerification | undefined;
    await database.db
      .transaction(async (tx) => {
        await tx.execute(edit(id));
        result = await flows.verifyAudit(tx as unknown as Db);
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    return result!;
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
  it.each(edits)('names the event whose %s was changed', async (_column, edit) => {
    const target = ids[3]!;
    const result = await verifyAfter(edit, target);
    expect(result).toMatchObject({ ok: false, eventId: target });
  });

  it('notices the newest events deleted, which the chain alone cannot show', async () => {
    const last = ids.at(-1)!;
    const result = await verifyAfter((id) => sql`delete from audit_events where id >= ${id}`, ids.at(-2)!);
    expect(result).toMatchObject({ ok: false, eventId: null, seq: ids.length - 1 });
    expect(result.ok === false && result.problem).toMatch(new RegExp(`events ${ids.length - 1} to ${ids.length} are missing`));
    expect(last).toBeGreaterThan(0);
  });

  it('names an event appended outside the bot, even with a correctly computed hash', async () => {
    const forge = () => sql`
      insert into audit_events (workspace_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash)
      select workspace_id, seq + 1, occurred_at, 'shell:mallory', 'step.approved', subject_type, subject_id, data, hash, repeat('b', 64)
      from audit_events where id = ${ids.at(-1)!}`;
    // Compute the forged row's real hash so only the head can tell it apart.
    let result: AuditVerification | undefined;
    await database.db
      .transaction(async (tx) => {
        await tx.execute(forge());
        const rows = (await tx.execute(sql`select * from audit_events order by id desc limit 1`)) as unknown as
          | Array<Record<string, unknown>>
          | { rows: Array<Record<string, unknown>> };
        const row = (Array.isArray(rows) ? rows : rows.rows)[0]!;
        const hash = flows.eventHash({
          workspaceId: Number(row.workspace_id),
          seq: Number(row.seq),
          occurredAt: new Date(row.occurred_at as string),
          actor: String(row.actor),
          action: String(row.action),
          subjectType: String(row.subject_type),
          subjectId: String(row.subject_id),
          data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
          prevHash: String(row.prev_hash),
        });
        await tx.execute(sql`update audit_events set hash = ${hash} where id = ${Number(row.id)}`);
        result = await flows.verifyAudit(tx as unknown as Db);
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    expect(result).toMatchObject({ ok: false, seq: ids.length + 1 });
    expect(result!.ok === false && result!.eventId).toBeGreaterThan(ids.at(-1)!);
  });

  it('names the event after a deleted one', async () => {
    const result = await verifyAfter((id) => sql`delete from audit_events where id = ${id}`, ids[3]!);
    expect(result).toMatchObject({ ok: false, eventId: ids[4] });
  });
});
