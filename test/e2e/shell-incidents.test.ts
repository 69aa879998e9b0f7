/**
 * Incidents in the shell, through stdin: anyone reports a serious incident with the high-risk
 * demo tool (a bad answer is asked again), compliance is told with the due times, the NC is
 * opened, compliance records the provider informed once and exports the incidents.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell incidents (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('reports, tells compliance, records a step once and exports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-shell-incidents-'));
    dirs.push(dir);
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as mallory',
      '/aims incident AI-1',
      // occurred_at: now (kept); description; harm 9 is refused, then 6 (death or serious harm); the rest skipped.
      '', '=cmd|calc told a patient to stop treatment', '9', '6', '', '', '',
      '/aims incident INC-1',
      '/as compliance',
      '/aims incident INC-1',
      '/aims incident INC-1 informed',
      '/aims incident INC-1 informed',
      '/aims export incidents csv',
      '/as mallory',
      '/aims export incidents json',
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
    expect(out).toContain('Reporting an incident with AI-1 "CV Screener"');
    expect(out).toContain('✗ choose 1–6');
    expect(out).toContain('reported INC-1; compliance has been told.');
    expect(out).toMatch(/Report to the market surveillance authority \(Art\. 73\(4\)\): due \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(out).toContain('Nonconformity NC-1 opened (major).');
    expect(out).toMatch(/\[[^\]]+\] INC-1: SERIOUS incident with AI-1 "CV Screener"/);
    expect(out).toContain('Recorded: the provider was informed for INC-1.');
    expect(out).toContain('It was already recorded that the provider was informed for INC-1; nothing changed.');
    expect(out).toMatch(/^incidents-\d{4}-\d{2}-\d{2}\.csv \(1 incident\):\nworkspace,ref,system_ref/m);
    expect(out).toContain("'=cmd|calc told a patient");
    expect(out).toContain('Only a member of compliance can export the incidents in chat.');
  });
});
