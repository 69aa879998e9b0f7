/** `aimsbot export audit-report <id>` and `export audits`: Markdown on stdout or to a file, the audit reported once, CSV/JSON rows, clear refusals. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, auditEvents } from '../../db/schema';
import { internalAudits } from '../../db/schema-improve';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { HOSTILE, HOSTILE_TEXT, markdownHazards } from '../helpers/hostile-text';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export audit-report and audits', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock('2026-12-01T09:00:00Z'));
    const alice = await as('alice');
    const s = await flows.register(alice, { fields: fieldsFor('Translator', 'shell:alice'), answers: minimalAnswers });
    if (s.kind !== 'registered') throw new Error(s.kind);
    await database.db.update(aiSystems).set({ status: 'approved', riskClass: 'minimal' }).where(eq(aiSystems.id, s.system.id));
    const carol = await as('carol');
    const planned = await flows.planAudit(carol, { title: `Annual audit ${HOSTILE}`, scope_clauses: '9.2', scope_controls: 'A.6.2.4', sample_high: '0', sample_limited: '0', sample_minimal: '1', auditors: 'shell:dana', planned_for: '2026-12-20' });
    if (planned.kind !== 'planned') throw new Error(planned.message);
    const f = await flows.recordFinding(await as('dana'), planned.ref, { subject: 'AI-1', kind: 'major_nc', text: `No human oversight ${HOSTILE_TEXT}`, evidence: 'Interview' });
    if (f.kind !== 'recorded') throw new Error(f.message);
    const planned2 = await flows.planAudit(carol, { title: 'Second', sample_high: '0', sample_limited: '0', sample_minimal: '0', auditors: 'shell:dana', planned_for: '2026-12-21' });
    if (planned2.kind !== 'planned') throw new Error(planned2.message);
  });
  afterAll(async () => database?.destroy());

  it('refuses bad arguments and unknown audits, changing nothing', () => {
    expect(cli(['audit-report'], database.url!).stderr).toMatch(/needs an audit reference such as IA-2026-1/);
    const fmt = cli(['audit-report', 'IA-2026-1', '--format', 'md'], database.url!);
    expect(fmt.code).not.toBe(0);
    expect(fmt.stderr).toMatch(/takes no --format/);
    const missing = cli(['audit-report', 'IA-2026-9'], database.url!);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/there is no audit IA-2026-9/);
    expect(cli(['audits'], database.url!).stderr).toMatch(/--format is required/);
  });

  it('prints the report, moves the audit to reported once; --out writes the same report', async () => {
    const r = cli(['audit-report', 'ia-2026-1'], database.url!);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Internal audit report IA-2026-1: Annual audit /);
    expect(r.stdout).toMatch(/^\| Clause 9\.2 \| Internal audit \|$/m);
    expect(r.stdout).toMatch(/^\| Control A\.6\.2\.4 \| \w.+ \|$/m);
    expect(r.stdout).toContain('### Major nonconformity (1)');
    expect(r.stdout).toMatch(/\| NC-1 \| IA-2026-1\/F-1 \| major \| open \|/);
    expect(r.stdout).toMatch(/seed `[0-9a-f]{32}`/);
    expect(r.stdout).toContain('does not conform');
    expect(markdownHazards(r.stdout)).toEqual([]);
    const [row] = await database.db.select().from(internalAudits).where(eq(internalAudits.number, 1));
    expect(row!.status).toBe('reported');
    const dir = mkdtempSync(join(tmpdir(), 'aims-audit-report-'));
    const out = cli(['audit-report', 'IA-2026-1', '--out', join(dir, 'report.md')], database.url!);
    expect(out.code).toBe(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(r.stdout);
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.reported'))).toHaveLength(1);
  });

  it('exports every audit as CSV and JSON, one row per finding and audits without findings too', () => {
    const csv = cli(['audits', '--format', 'csv'], database.url!);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe(flows.AUDIT_EXPORT_COLUMNS.join(','));
    expect(csv.stdout).not.toMatch(/,=HYPERLINK/);
    const json = JSON.parse(cli(['audits', '--format', 'json'], database.url!).stdout) as flows.AuditExportRecord[];
    expect(json.map((r) => [r.audit_ref, r.finding_ref, r.nc_ref])).toEqual([
      ['IA-2026-1', 'IA-2026-1/F-1', 'NC-1'],
      ['IA-2026-2', null, null],
    ]);
    expect(json[0]).toMatchObject({ status: 'reported', finding_kind: 'major_nc', scope_clauses: ['9.2'] });
  });
});
