/** `aimsbot export literacy`: who acknowledged which AI policy version and who attested literacy, formula-safe CSV and JSON. */
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', AIMS_POLICY: '' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export literacy', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const policy = testPolicy({ aiPolicy: { version: 3, url: 'https://wiki.example/ai', summary: 'Approved tools only.' } });
    const { as } = actors(database.db, testClock(), policy);
    const [alice, bob] = await Promise.all([as('alice', 'alice@acme.example'), as('bob')]);
    const ack = await flows.acknowledgePolicy(alice, '3');
    if (ack.kind !== 'acknowledged') throw new Error(ack.message);
    const att = await flows.attestLiteracy(bob, '=HYPERLINK("http://evil.example","x") course 2026');
    if (att.kind !== 'attested') throw new Error(att.message);
  });
  afterAll(async () => database?.destroy());

  it('CSV with a BOM and neutralised formulas; JSON keeps numbers; filters are refused', () => {
    const csv = cli(['literacy', '--format', 'csv'], database.url!);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.person)).toEqual(['shell:alice', 'shell:bob']);
    expect(rows[0]).toMatchObject({ email: 'alice@acme.example', policy_version: '3', literacy_evidence: '' });
    expect(rows[1]!.literacy_evidence).toBe(`'=HYPERLINK("http://evil.example","x") course 2026`);
    const json = JSON.parse(cli(['literacy', '--format', 'json'], database.url!).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ person: 'shell:alice', policy_version: 3, acknowledged_at: expect.stringMatching(/^\d{4}-/) });
    const bad = cli(['literacy', '--format', 'csv', '--since', '2026-01-01'], database.url!);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--since does not apply to export literacy');
  });
});
