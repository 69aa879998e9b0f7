/** `aimsbot export incidents` writes every incident with snake_case keys and due times, formula-safe CSV, filtered by --ref. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', AIMS_POLICY: '' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export incidents', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'aims-export-incidents-'));
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const clock = testClock('2026-11-30T10:00:00Z');
    const { as } = actors(database.db, clock);
    const alice = await as('alice');
    const high = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    const low = await flows.register(alice, { fields: fieldsFor('Spellcheck', 'shell:bob'), answers: minimalAnswers });
    if (high.kind !== 'registered' || low.kind !== 'registered') throw new Error('not registered');
    const serious = await flows.reportIncident(alice, { system: high.system.ref, occurred_at: '2026-11-29 08:00', description: '=HYPERLINK("http://evil.example","x")', harm: 'critical_infrastructure', people_affected: '+cmd|calc' });
    const minor = await flows.reportIncident(alice, { system: low.system.ref, occurred_at: '2026-11-29 09:00', description: 'A typo', harm: 'none' });
    if (serious.kind !== 'reported' || minor.kind !== 'reported') throw new Error('not reported');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.destroy();
  });

  it('CSV: a BOM, the columns, due times, formulas neutralised; JSON keeps booleans and nulls; --ref filters; --out writes a file', () => {
    const csv = cli(['incidents', '--format', 'csv'], database.url!);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...flows.INCIDENT_COLUMNS]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ ref: 'INC-1', system_ref: 'AI-1', serious: 'true', report_case: 'widespread_or_critical', authority_report_due_at: '2026-12-02T10:00:00.000Z', nc: 'NC-1', nc_status: 'open' });
    expect(rows[0]!.description).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[0]!.people_affected).toBe(`'+cmd|calc`);
    expect(rows[1]).toMatchObject({ ref: 'INC-2', serious: 'false', authority_report_due_at: '', nc: '' });
    const json = JSON.parse(cli(['incidents', '--format', 'json', '--ref', 'AI-2'], database.url!).stdout) as Array<Record<string, unknown>>;
    expect(json).toEqual([expect.objectContaining({ ref: 'INC-2', serious: false, authority_report_due_at: null, nc: null })]);
    const out = join(dir, 'incidents.json');
    const written = cli(['incidents', '--format', 'json', '--out', out], database.url!);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain(`wrote 2 incidents rows to ${out}`);
    expect((JSON.parse(readFileSync(out, 'utf8')) as unknown[]).length).toBe(2);
  });

  it('refuses bad arguments with a clear message and writes nothing', () => {
    const r = cli(['incidents', '--format', 'xml'], database.url!);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--format must be csv or json/);
    expect(r.stdout).toBe('');
  });
});
