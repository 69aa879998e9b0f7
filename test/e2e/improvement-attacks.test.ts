/** Hostile and out-of-order input against audits, nonconformities, incidents and the management review through the shell: each gets one specific refusal and changes nothing. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function start(input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-improve-attacks-'));
  dirs.push(dir);
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
    input,
    env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 110_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('improvement attacks (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('refuses unknown refs, strangers, out-of-order steps and bad dates with specific messages', () => {
    const year = new Date().getUTCFullYear();
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as alice',
      '/aims nc NC-0',
      '/aims nc NC-99999999999999999999999',
      '/aims finding IA-xyz',
      '/aims incident AI-999',
      '/aims incident INC-999',
      '/aims nc raise',
      // source, severity, a blank description (refused), owner, then the description again.
      'other', 'major', '   ', 'bob', '<!channel> *bold* \u202Eevil',
      '/aims nc NC-1 bogus',
      '/aims nc NC-1 verify',
      '/aims nc NC-1 close',
      '/aims export incidents csv',
      '/as compliance',
      '/aims nc NC-1 close',
      '/aims nc NC-1 verify',
      '/aims nc NC-1 root-cause', 'No review step',
      '/aims nc NC-1 verify',
      '/aims nc NC-1 action',
      '/aims export audits xml',
      `/aims export audit-report IA-${year}-77`,
      '/aims management-review',
      `/aims management-review decide MR-${year}-Q9 thing`,
      // The same decision sent twice (a retried command) is one task.
      `/aims management-review decide MR-${year}-Q4 =HYPERLINK("http://e.example","x") Review the  <!channel> plan by 2099-01-31`,
      `/aims management-review decide MR-${year}-Q4 =hyperlink("http://e.example","x") review the <!channel> plan`,
      `/aims management-review decide MR-${year}-Q4 ok by 2099-02-31`,
      `/aims management-review held MR-${year}-Q4 @nobody`,
      '/aims incident AI-1',
      // occurred_at (impossible day), description, harm, people, serious, widespread; then a future time.
      '2026-02-30 10:00', 'It ranked applicants by name', '1', '', '', '', '2099-01-01 10:00',
      '/aims export incidents csv',
    ].join('\n');
    const r = start(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = r.out;
    expect(out).toContain('✗ There is no nonconformity NC-0 in this workspace.');
    expect(out).toMatch(/✗ "NC-9+" is not a nonconformity reference; use one such as NC-7\./);
    expect(out).toContain('✗ "IA-xyz" is not an audit reference; use the form IA-2026-1.');
    expect(out).toContain('✗ There is no system AI-999.');
    expect(out).toContain('✗ There is no incident INC-999.');
    expect(out).toContain('✗ description: say what is wrong');
    expect(out).toContain('Raised NC-1; its owner has been told.');
    // The NC card drops the bidi override and keeps the text.
    expect(out).toMatch(/^ {2}<!channel> \*bold\* evil$/m);
    expect(out).toContain('unknown step "bogus"; use containment, root-cause, action, verify or close');
    expect(out).toContain('✗ Only the owner of NC-1 or compliance can work on it; you can view it with nc NC-1.');
    expect(out).toContain('✗ Only compliance can close NC-1.');
    expect(out).toContain('✗ Only a member of compliance can export the incidents in chat.');
    expect(out).toContain('✗ NC-1 cannot be closed: its root cause is not recorded.');
    // Verifying an NC without done actions is refused before its question is asked.
    expect(out).not.toContain('Were the actions effective?');
    expect(out.split('✗ NC-1 cannot be verified yet: every corrective action must be done or not applicable, at least one done.').length).toBe(3);
    expect(out).toContain('✗ Choose the format csv or json, e.g. "export audits csv" (got "xml").');
    expect(out).toContain(`✗ There is no audit IA-${year}-77 here.`);
    expect(out).toContain(`No management review MR-${year}-Q9 in this workspace.`);
    expect(out).toMatch(new RegExp(`Decision recorded at MR-${year}-Q4 as task (T-\\d+) for compliance, due 2099-01-31\\.`));
    const task = new RegExp(`Decision recorded at MR-${year}-Q4 as task (T-\\d+)`).exec(out)![1]!;
    expect(out).toContain(`That decision is already task ${task} of MR-${year}-Q4 (due 2099-01-31); nothing was recorded.`);
    expect(out.match(/Decision recorded at/g)).toHaveLength(1);
    expect(out).toContain('"2099-02-31" is not a date such as');
    expect(out).toContain('"@nobody" is not a person the bot knows');
    expect(out).toContain('✗ occurred_at: "2026-02-30 10:00" is not a date and time such as');
    expect(out).toContain('✗ occurred_at: cannot be in the future');
    // Nothing was reported: the export has its header and no row.
    expect(out).toMatch(/incidents-\d{4}-\d{2}-\d{2}\.csv \(0 incidents\)/);
  });
});
