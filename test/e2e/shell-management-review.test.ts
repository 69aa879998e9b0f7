/** The management review in the shell: compliance generates the pack, records a decision and marks it held; others are refused. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell management review (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('generates MR-…, tells the compliance channel, records a decision and holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-shell-mr-'));
    dirs.push(dir);
    // The demo runs on today's date, so the review generated is of this quarter.
    const now = new Date();
    const thisQuarter = `MR-${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as bob',
      '/aims management-review',
      '/as compliance',
      '/aims management-review',
      '/aims management-review decide MR-2099-Q1 Something',
      '/aims management-review held',
      '/aims export management-review MR-2099-Q1',
      `/aims export management-review ${thisQuarter}`,
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
    expect(out).toContain('Only the compliance group can generate a management review; nothing was changed.');
    const ref = /Management review (MR-\d{4}-Q[1-4]) generated/.exec(out)?.[1];
    expect(ref).toBeDefined();
    expect(out).toMatch(new RegExp(`Management review ${ref} \\(\\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2}\\)`));
    expect(out).toContain(`export management-review ${ref} --out FILE`);
    expect(out).toContain('No management review MR-2099-Q1 in this workspace.');
    expect(out).toContain('Usage: management-review held MR-2026-Q4');
    expect(out).toContain('There is no management review "MR-2099-Q1" in this workspace');
    expect(ref).toBe(thisQuarter);
    expect(out).toContain(`# Management review ${thisQuarter}`);
  });
});
