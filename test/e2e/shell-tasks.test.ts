/** The shell's tasks through stdin: after the README approval, bob lists his tasks and closes one with evidence; compliance marks one not applicable. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function start(input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-shell-tasks-'));
  dirs.push(dir);
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
    input,
    env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 85_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell tasks (npm start on PGlite)', { timeout: 90_000 }, () => {
  it('lists the obligations of the approved tool as tasks and closes them with evidence or a reason', () => {
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as bob',
      '/aims tasks',
      '/aims tasks all',
      '/aims task T-2',
      '1',
      '',
      'javascript:alert(1)',
      'Logs kept for six months: https://wiki.example/logs <!channel>',
      '/aims task T-2',
      '/as compliance',
      '/aims tasks',
      '/aims task T-5',
      '2',
      '',
      'No personal data leaves the EU\u202E',
      '/as alice',
      '/aims task T-3',
    ].join('\n');
    const r = start(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const bobList = r.out.slice(r.out.indexOf('bob> /aims tasks'), r.out.indexOf('bob> /aims tasks all'));
    expect(bobList).toContain('T-2 · High-risk deployer duties · AI-1 "CV Screener" · bob · due 2027-12-02');
    expect(bobList).not.toContain('AI literacy');
    expect(r.out).toContain('✗ Only compliance can list all tasks');
    expect(r.out).toContain('✗ Give evidence that the task is done');
    expect(r.out).toContain('✗ That link is not a web address');
    expect(r.out).toContain('T-2 done; evidence recorded.');
    expect(r.out).toMatch(/✗ T-2 is already done by bob on \d{4}-\d{2}-\d{2}\./);
    const compList = r.out.slice(r.out.indexOf('compliance> /aims tasks'));
    expect(compList).toContain('AI literacy');
    expect(r.out).toContain('✗ Say why the task does not apply');
    expect(r.out).toContain('T-5 marked not applicable; compliance has been told.');
    expect(r.out).toMatch(/was marked not applicable by compliance: No personal data leaves the EU$/m);
    expect(r.out).toContain('✗ Only bob or compliance can close T-3.');
  });
});
