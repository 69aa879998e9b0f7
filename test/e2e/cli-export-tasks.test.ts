/** `aimsbot export tasks`: every task in CSV (formula-safe) and JSON (snake_case, real types), filtered by --ref. */
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export tasks', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock('2026-11-02T09:00:00Z'));
    const alice = await as('alice');
    const who: Record<string, string> = { owner: 'bob', compliance: 'carol', privacy: 'pat' };
    for (const [name, answers] of [['Writer', minimalAnswers], ['CV Screen', highAnswers]] as const) {
      const r = await flows.register(alice, { fields: fieldsFor(name, 'shell:bob'), answers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      for (const s of r.request.steps) await flows.decideStep(await as(who[s.role]!), { stepId: s.id, decision: 'approve' });
    }
    const [task] = await database.db.select().from(tasks).where(eq(tasks.title, 'High-risk deployer duties'));
    const done = await flows.completeTask(await as('bob'), `T-${task!.number}`, '=HYPERLINK("https://evil.example","click") logs kept');
    if (done.kind !== 'closed') throw new Error(done.message);
  });
  afterAll(async () => database?.destroy());

  it('writes every task as CSV with formula-like evidence neutralised', () => {
    const r = cli(['tasks', '--format', 'csv'], database.url!);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parse(r.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => [x.ref, x.title, x.system, x.assignee ?? '', x.assignee_group, x.due_date, x.status])).toEqual([
      ['T-1', 'AI literacy', '', '', 'compliance', '2026-12-02', 'open'],
      ['T-2', 'High-risk deployer duties', 'AI-2', 'bob', '', '2027-12-02', 'done'],
      ['T-3', 'Inform the people affected', 'AI-2', 'bob', '', '2027-12-02', 'open'],
      ['T-4', 'Explanation on request', 'AI-2', 'bob', '', '2027-12-02', 'open'],
      ['T-5', 'Data protection impact assessment', 'AI-2', '', 'compliance', '2026-12-02', 'open'],
    ]);
    expect(rows[1]!.evidence!.startsWith("'=HYPERLINK")).toBe(true);
    expect(rows[1]!.closed_by).toBe('bob');
  });

  it('writes JSON with snake_case keys and real types, and --ref keeps one system', () => {
    const r = cli(['tasks', '--format', 'json', '--ref', 'AI-2'], database.url!);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.ref)).toEqual(['T-2', 'T-3', 'T-4', 'T-5']);
    expect(rows[0]).toMatchObject({ kind: 'obligation', system: 'AI-2', system_name: 'CV Screen', status: 'done', reminders_sent: 0, assignee_group: null });
    expect(Object.keys(rows[0]!).every((k) => /^[a-z_]+$/.test(k))).toBe(true);
  });
});
