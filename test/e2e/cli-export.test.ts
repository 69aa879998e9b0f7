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
import { soaVersions } from '../../db/schema-aims';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
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

  it('export soa without an approved version writes nothing, says how to approve, and exits 3', () => {
    const r = cli(['soa', '--format', 'json'], database.url!);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no Statement of Applicability has been approved yet: .*soa.*Approve.*--draft/);
  });

  it('export soa --draft: 38 controls, pending systems only planned, organisation-level controls applicable', () => {
    const r = cli(['soa', '--format', 'json', '--draft'], database.url!);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { version: string; organisation: string; planned_systems: unknown[]; controls: Array<{ control: string; applicable: boolean; systems: unknown[]; planned_systems: unknown[] }> };
    expect(doc).toMatchObject({ version: 'draft', approved_by: null, approved_at: null });
    expect(doc.controls).toHaveLength(38);
    expect(doc.planned_systems).toEqual([{ ref: 'AI-1', name: 'Chat, "quoted"' }, { ref: 'AI-2', name: 'CV Screen' }]);
    expect(doc.controls.find((x) => x.control === 'A.6.2.8')).toMatchObject({ applicable: false, systems: [], planned_systems: [{ ref: 'AI-2', name: 'CV Screen' }] });
    for (const id of ['A.2.2', 'A.2.3', 'A.2.4', 'A.3.2', 'A.3.3']) expect(doc.controls.find((x) => x.control === id)).toMatchObject({ applicable: true, systems: [] });
  });

  it('export soa writes the approved snapshot in JSON, CSV and Markdown, with the header; export controls the register', async () => {
    const carol = await actors(database.db, testClock()).as('carol');
    const approved = await flows.approveSoa(carol);
    expect(approved).toMatchObject({ kind: 'approved', version: 'SoA-1' });
    const [version] = await database.db.select().from(soaVersions);
    const doc = JSON.parse(cli(['soa', '--format', 'json'], database.url!).stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ version: 'SoA-1', approved_by: 'carol', approved_by_id: 'shell:carol', hash: version!.hash, approved_at: version!.approvedAt.toISOString() });
    const { organisation, aims_scope, planned_systems, controls } = doc;
    expect({ organisation, aims_scope, planned_systems, controls }).toEqual(version!.snapshot);
    expect(flows.soaHash({ organisation, aims_scope, planned_systems, controls })).toBe(version!.hash);

    const rows = parse(cli(['soa', '--format', 'csv'], database.url!).stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(38);
    expect(rows.find((x) => x.control === 'A.2.3')).toMatchObject({ applicable: 'yes', soa_version: 'SoA-1', approved_by: 'carol', soa_hash: version!.hash });
    expect(rows.find((x) => x.control === 'A.7.2')).toMatchObject({ applicable: 'no', justification_needed: 'yes' });

    const out = join(mkdtempSync(join(tmpdir(), 'aims-soa-')), 'soa.md');
    const md = cli(['soa', '--format', 'md', '--out', out], database.url!);
    expect(md).toMatchObject({ code: 0, stderr: 'wrote SoA-1 (38 controls) to ' + out + '\n' });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('**Version:** SoA-1');
    expect(text).toContain(`**SHA-256:** \`${version!.hash}\``);

    // A later change approved as SoA-2: the default is the latest, --version gives an earlier one as it was approved.
    expect(await flows.editControl(carol, 'A.7.2', { status: 'not_applicable', justification: 'We train no models.' })).toMatchObject({ kind: 'updated' });
    expect(await flows.approveSoa(carol)).toMatchObject({ kind: 'approved', version: 'SoA-2' });
    expect((JSON.parse(cli(['soa', '--format', 'json'], database.url!).stdout) as { version: string }).version).toBe('SoA-2');
    const first = JSON.parse(cli(['soa', '--format', 'json', '--version', 'SoA-1'], database.url!).stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ version: 'SoA-1', hash: version!.hash });
    expect(cli(['soa', '--format', 'json', '--version', '9'], database.url!)).toMatchObject({ code: 3, stdout: '', stderr: 'aimsbot export: there is no SoA-9: the approved versions are SoA-1 to SoA-2\n' });

    const register = parse(cli(['controls', '--format', 'csv'], database.url!).stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(register.map((x) => x.control)).toEqual(rows.map((x) => x.control));
    expect(cli(['controls', '--format', 'md'], database.url!)).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be csv or json') });
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
    [['people', '--format', 'csv'], /inventory, soa, audit, controls, tasks, risks, impact, nonconformities/],
    [['inventory', '--format', 'md'], /--format must be csv or json/],
    [['audit', '--format', 'csv', '--draft'], /--draft only applies to export soa/],
    [['audit', '--format', 'csv', '--version', '1'], /--version only applies to export soa/],
    [['soa', '--format', 'csv', '--version', 'v1'], /--version: "v1" is not a version such as SoA-2/],
    [['soa', '--format', 'csv', '--draft', '--version', '1'], /--version and --draft cannot be combined/],
    [['soa', '--format', 'csv', '--workspace', 'slack:T404'], /--workspace: no workspace "slack:T404"; there are: shell:local/],
    [['soa', '--format', 'csv', '--bogus'], /unexpected argument "--bogus"/],
  ])('bad arguments %j exit 2 with one line', (args, expected) => {
    const r = cli(args, database.url!);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(expected);
  });
});
