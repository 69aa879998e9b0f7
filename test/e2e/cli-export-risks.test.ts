/** `aimsbot export risks` writes every risk with snake_case keys, formula-safe CSV; the inventory counts untreated high risks. */
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', AIMS_POLICY: '' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export risks', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock());
    const [alice, bob, carol, pat] = await Promise.all([as('alice'), as('bob'), as('carol'), as('pat')]);
    const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    for (const who of [bob, carol, pat]) await flows.decideForSystem(who, r.system.ref, 'approve');
    const added = await flows.addRisk(bob, r.system.ref, {
      source: 'other', description: '=HYPERLINK("http://evil.example","x")', likelihood: '4', impact: '5', treatment: 'mitigate', measures: '+cmd|calc', controls: ['A.6.2.4', 'A.9.2'],
    });
    if (added.kind !== 'saved') throw new Error(added.message);
  });
  afterAll(async () => database?.destroy());

  it('CSV: a BOM, the columns, formulas neutralised; JSON keeps numbers and lists', () => {
    const csv = cli(['risks', '--format', 'csv'], database.url!);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ system_ref: 'AI-1', ref: 'AI-1/R-1', source: 'other', score: '20', treatment: 'mitigate', controls: 'A.6.2.4; A.9.2', status: 'treating', treatment_task: expect.stringMatching(/^T-\d+$/) });
    expect(rows[0]!.description).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[0]!.measures).toBe(`'+cmd|calc`);
    const json = JSON.parse(cli(['risks', '--format', 'json'], database.url!).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ ref: 'AI-1/R-1', likelihood: 4, impact: 5, score: 20, controls: ['A.6.2.4', 'A.9.2'], residual_score: null });
    const inventory = parse(cli(['inventory', '--format', 'csv'], database.url!).stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(inventory[0]!.untreated_high_risks).toBe('1');
    // The audit trail of one system brings its risks and their treatment tasks with it.
    const audit = JSON.parse(cli(['audit', '--format', 'json', '--ref', 'AI-1'], database.url!).stdout) as Array<{ action: string; data: Record<string, unknown> }>;
    expect(audit.some((e) => e.action === 'risk.added')).toBe(true);
    expect(audit.some((e) => e.action === 'task.created' && e.data.kind === 'risk_treatment')).toBe(true);
    expect(audit.some((e) => e.action === 'task.created' && e.data.kind === 'obligation')).toBe(true);
  });
});
