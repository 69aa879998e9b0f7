/**
 * The risk register in the shell, through stdin: the owner gets the prompt on approval, assesses
 * the suggested risks (a bad answer is asked again), sees the heat map, is refused acceptance of
 * a risk above the threshold, and compliance accepts it once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell risk register (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('assesses, refuses owner acceptance above the threshold, and compliance accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-shell-risks-'));
    dirs.push(dir);
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as bob',
      '/aims risks AI-1',
      '/aims assess AI-1',
      // 1: bias — kept; a likelihood of 9 is refused and asked again.
      'yes', '', '', '9', '4', '4', '', '', 'Quarterly bias tests', '', '2027-01-31', '2', '3',
      // 2: privacy — accepted as it is, residual 3×4 = 12.
      'yes', '', '', '3', '4', 'accept', '', '', '', '', '3', '4',
      // 3 and 4: dropped; no more risks.
      'no', 'no', 'no',
      '/aims risks AI-1',
      '/aims risk accept AI-1/R-2',
      '/as compliance',
      '/aims risk accept AI-1/R-2',
      '/aims risk accept AI-1/R-2',
      '/aims risks AI-1',
      '/aims export risks csv',
      '/as bob',
      '/aims export risks json',
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
    expect(out).toMatch(/\[to bob\] AI-1 "CV Screener" is approved\. Please assess its risks.* — \/aims assess AI-1/);
    expect(out).toContain('No risks assessed yet.');
    expect(out).toContain('✗ choose 1–5');
    expect(out).toMatch(/saved 2 risks of AI-1/);
    const register = out.slice(out.indexOf('bob> /aims risks AI-1', out.indexOf('saved 2 risks')));
    expect(register).toMatch(/^ {2}4 \| {2}\. {2}\. {2}1 {2}\. {2}\.$/m);
    expect(register).toMatch(/AI-1\/R-1 \[treating\] Bias and discrimination/);
    expect(register).toMatch(/task T-\d+, open/);
    expect(register).toMatch(/⚠ 1 untreated risk at or above 8/);
    expect(out).toMatch(/✗ The residual score is 12, at or above 8: only a member of compliance can accept it\. I have asked them/);
    expect(out).toMatch(/\[to compliance\] bob asks you to accept the residual risk AI-1\/R-2.* — \/aims risk accept AI-1\/R-2/);
    expect(out).toContain('accepted the residual risk AI-1/R-2.');
    expect(out).toMatch(/AI-1\/R-2 was already accepted by compliance; nothing changed\./);
    const last = out.slice(out.lastIndexOf('/aims risks AI-1'), out.indexOf('/aims export risks csv'));
    expect(last).toMatch(/AI-1\/R-2 \[accepted by compliance\]/);
    expect(last).not.toContain('untreated');
    expect(out).toMatch(/^risks-\d{4}-\d{2}-\d{2}\.csv \(2 risks\):\nworkspace,system_ref,system_name,ref,source/m);
    expect(out).toContain('✗ Only a member of compliance can export the risk registers in chat.');
  });
});
