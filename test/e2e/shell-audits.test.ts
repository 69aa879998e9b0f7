/**
 * Internal audits in the shell, through stdin: compliance plans an audit (the owner as auditor
 * is refused and asked again), the owner hears of the evidence request, a
 * non-auditor is refused, the auditor records a minor nonconformity that opens an NC, and
 * compliance prints the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell internal audits (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('plans, asks for evidence, records a finding with an NC, and writes the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-shell-audits-'));
    dirs.push(dir);
    const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const ref = `IA-${day.slice(0, 4)}-1`;
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as bob',
      '/aims audit plan',
      '/as compliance',
      '/aims audit plan',
      // title, clauses, controls, sizes, auditors (the owner: refused), date; then the auditor again.
      'Risk process audit', '9.2, 6.1.2', 'A.6.2.4', '1', '0', '0', 'bob', day,
      'auditor',
      '/as bob',
      '/aims tasks',
      '/as mallory',
      `/aims finding ${ref}`,
      '/as auditor',
      `/aims audit ${ref}`,
      `/aims finding ${ref}`,
      // subject (3 = AI-1), kind, text, evidence.
      '3', 'minor_nc', 'Bias tests are not repeated after model updates', '',
      '/as compliance',
      `/aims export audit-report ${ref}`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
      input: script,
      env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain('✗ Only the compliance group can plan internal audits; nothing was planned.');
    expect(out).toMatch(/✗ auditors: bob owns AI-1 "CV Screener", which is in the sample; choose another auditor/);
    expect(out).toMatch(new RegExp(`planned ${ref} for ${day}: 1 system\\(s\\) sampled \\(seed [0-9a-f]{32}\\); evidence requested: T-\\d+`));
    expect(out).toMatch(new RegExp(`\\[to bob\\] .*Internal audit ${ref}`));
    expect(out).toContain(`✗ Only the auditors of ${ref} can record its findings; nothing was recorded.`);
    expect(out).toMatch(new RegExp(`recorded ${ref}/F-1 and opened nonconformity NC-1`));
    expect(out).toContain(`audit-report-${ref}.md (${ref} is now reported):`);
    expect(out).toContain(`# Internal audit report ${ref}: Risk process audit`);
    expect(out).toContain('### Minor nonconformity (1)');
  });
});
