/** `aimsbot audit verify` and `aimsbot migrate` as an operator runs them, against the real Postgres (an unkeyed chain). */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot audit verify', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock());
    const alice = await as('alice');
    for (const name of ['One', 'Two', 'Three']) {
      const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
    }
  });
  afterAll(async () => database?.destroy());

  /** Runs `statement` as the table owner can: with the append-only trigger disabled for it. */
  const withTriggerDisabled = (statement: SQL) =>
    database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(statement);
      await tx.execute(sql`alter table audit_events enable always trigger audit_events_append_only`);
    });

  it('migrate is idempotent on an up-to-date database', () => {
    const r = cli(['migrate'], { DATABASE_URL: database.url! });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/migrations applied/);
  });

  it('exits 0 on an intact chain, and says that it is not keyed', () => {
    const r = cli(['audit', 'verify'], { DATABASE_URL: database.url! });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/intact: \d+ events/);
    expect(r.stdout).toContain('workspace 1: not keyed: anyone with write access to the database can recompute it; set AIMS_AUDIT_KEY');
    expect(r.stdout).toContain('checkpoints: none recorded yet');
  });

  it('the database refuses to change or delete an event', async () => {
    await expect(database.db.execute(sql`update audit_events set actor = 'shell:mallory'`)).rejects.toMatchObject({ cause: { message: 'audit_events is append-only: UPDATE refused' } });
    await expect(database.db.execute(sql`delete from audit_events`)).rejects.toMatchObject({ cause: { message: 'audit_events is append-only: DELETE refused' } });
  });

  it('exits 1 naming the event whose row was changed by SQL with the trigger disabled', async () => {
    const [target] = (await database.db.execute(sql`select id from audit_events where action = 'step.approved' order by id limit 1 offset 1`)) as unknown as Array<{ id: number }>;
    await withTriggerDisabled(sql`update audit_events set data = jsonb_set(data, '{role}', '"compliance"') where id = ${target!.id}`);
    const r = cli(['audit', 'verify'], { DATABASE_URL: database.url! });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`event ${target!.id} `);
    expect(r.stdout).toMatch(/changed/);
  });

  it('exits 1 when an event is deleted', async () => {
    const [first] = (await database.db.execute(sql`select id from audit_events order by id limit 1`)) as unknown as Array<{ id: number }>;
    await withTriggerDisabled(sql`delete from audit_events where id = ${first!.id}`);
    const r = cli(['audit', 'verify'], { DATABASE_URL: database.url! });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken at event \d+/);
  });

  it('a bad subcommand exits 2 with one line', () => {
    const r = cli(['audit', 'check'], { DATABASE_URL: database.url! });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/audit verify/);
  });
});
