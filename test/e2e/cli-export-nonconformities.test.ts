/** `aimsbot export nonconformities` writes every NC with its actions and status, snake_case JSON keys, formula-safe CSV; `aimsbot jobs run nc-reminders` chases once. */
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';

function cli(args: string[], url: string, command = 'export') {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', command, ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', AIMS_POLICY: '' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export nonconformities', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock('2026-11-02T09:00:00Z'));
    const bob = await as('bob');
    const raised = await flows.raiseNc(await as('alice'), { source: 'complaint', severity: 'minor', description: '=HYPERLINK("http://evil.example","x")', owner: 'shell:bob' });
    if (raised.kind !== 'nc') throw new Error(raised.message);
    for (const r of [
      await flows.containNc(bob, 'NC-1', { containment: '+cmd|calc' }),
      await flows.setRootCause(bob, 'NC-1', { root_cause: 'No review' }),
      await flows.addNcAction(bob, 'NC-1', { title: 'Add a review', assignee: 'shell:dave', due_date: '2026-12-01' }),
    ]) {
      if (r.kind !== 'nc') throw new Error(r.message);
    }
  });
  afterAll(async () => database?.destroy());

  it('CSV: a BOM, the columns, formulas neutralised; JSON keeps lists, booleans and nulls', () => {
    const csv = cli(['nonconformities', '--format', 'csv'], database.url!);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ref: 'NC-1', source: 'complaint', severity: 'minor', owner: 'bob', root_cause: 'No review', actions: 'T-1 (open)', status: 'action_planned', effective: '', closed_by: '' });
    expect(rows[0]!.description).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[0]!.containment).toBe(`'+cmd|calc`);
    const json = JSON.parse(cli(['nonconformities', '--format', 'json'], database.url!).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ ref: 'NC-1', actions: [{ ref: 'T-1', status: 'open' }], effective: null, effectiveness_due: null, status: 'action_planned', closed_at: null });
    expect(Object.keys(json[0]!).every((k) => /^[a-z_]+$/.test(k))).toBe(true);
    expect(cli(['nonconformities', '--format', 'xml'], database.url!).code).not.toBe(0);
  });

  it('jobs run nc-reminders: a dry run writes nothing; run twice, the missing containment is chased once', async () => {
    const raised = await flows.raiseNc(await actors(database.db, testClock('2026-11-02T09:00:00Z')).as('alice'), { source: 'other', severity: 'major', description: 'Not contained', owner: 'shell:bob' });
    if (raised.kind !== 'nc') throw new Error(raised.message);
    const reminders = () => database.db.select().from(notifications).where(eq(notifications.kind, 'nc.reminder'));
    const dry = cli(['run', 'nc-reminders', '--at', '2026-11-20T10:00:00Z', '--dry-run'], database.url!, 'jobs');
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('would send nc.reminder to bob (shell:bob): NC-2');
    expect(await reminders()).toHaveLength(0);
    for (let i = 0; i < 2; i++) expect(cli(['run', 'nc-reminders', '--at', '2026-11-20T10:00:00Z'], database.url!, 'jobs').code).toBe(0);
    const sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ ref: 'NC-2', stage: 'containment' });
  });
});
