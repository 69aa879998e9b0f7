/** `aimsbot export` writes the inventory, the Statement of Applicability and the audit trail. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli.ts', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock());
    const alice = await as('alice');
    await flows.register(alice, { fields: fieldsFor('Chat, "quoted"', 'shell:bob'), answers: minimalAnswers });
    await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
  });
  afterAll(async () => database?.destroy());

  it('inventory as CSV: one row per system, quoting intact', () => {
    const r = cli(['inventory', '--format', 'csv'], database.url!);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => [x.ref, x.name, x.risk_class, x.status])).toEqual([
      ['AI-1', 'Chat, "quoted"', 'minimal', 'pending_approval'],
      ['AI-2', 'CV Screen', 'high', 'pending_approval'],
    ]);
    expect(rows[1]!.obligations).toContain('deployer_high_risk (Art. 26; deployer; from 2027-12-02)');
    expect(rows[1]!.obligations).toContain('dpia (GDPR Art. 35; organisation; from 2018-05-25)');
    expect(rows.map((x) => x.questionnaire_version)).toEqual(['2', '2']);
  });

  it('Statement of Applicability as JSON lists all 38 controls with the systems that need them', () => {
    const r = cli(['soa', '--format', 'json'], database.url!);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ control: string; applicable: boolean; systems: unknown[] }>;
    expect(rows).toHaveLength(38);
    expect(rows.find((x) => x.control === 'A.6.2.8')).toMatchObject({ applicable: true, systems: [{ ref: 'AI-2', name: 'CV Screen' }] });
    expect(rows.find((x) => x.control === 'A.7.2')).toMatchObject({ applicable: false, systems: [] });
  });

  it('the Statement of Applicability carries the obligation dates and the organisation-level controls', () => {
    const r = cli(['soa', '--format', 'csv'], database.url!);
    const rows = parse(r.stdout, { columns: true, bom: true }) as Array<{ control: string; applicable: string; systems: string; obligation_dates: string }>;
    expect(rows.find((x) => x.control === 'A.6.2.8')?.obligation_dates).toBe(
      'dpia from 2018-05-25; ai_literacy from 2025-02-02; deployer_high_risk from 2027-12-02; explanation_on_request from 2027-12-02; inform_affected_persons from 2027-12-02',
    );
    for (const id of ['A.2.3', 'A.2.4']) expect(rows.find((x) => x.control === id)).toMatchObject({ applicable: 'yes', systems: '' });
    const json = JSON.parse(cli(['soa', '--format', 'json'], database.url!).stdout) as Array<{ control: string; obligation_dates: unknown }>;
    expect(json.find((x) => x.control === 'A.6.2.8')?.obligation_dates).toContainEqual({ obligation: 'deployer_high_risk', from: '2027-12-02' });
  });

  it('audit trail to a file, in chain order', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aims-export-')), 'audit.csv');
    const r = cli(['audit', '--format', 'csv', '--out', out], database.url!);
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => Number(x.seq))).toEqual(rows.map((_, i) => i + 1));
    expect(rows[0]).toMatchObject({ action: 'system.registered', prev_hash: '0'.repeat(64) });
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
  });

  it.each([
    [['inventory'], /--format is required/],
    [['inventory', '--format', 'xml'], /--format must be csv or json/],
    [['people', '--format', 'csv'], /what to export: inventory, soa, audit/],
    [['soa', '--format', 'csv', '--bogus'], /unexpected argument "--bogus"/],
  ])('bad arguments %j exit 2 with one line', (args, expected) => {
    const r = cli(args, database.url!);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(expected);
  });
});
