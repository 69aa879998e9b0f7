/**
 * The shell through stdin on embedded Postgres, then the CLI on the same data directory: the
 * demo tool is approved, its owner assesses its impact with the Art. 27 elements, compliance
 * pages the inventory and reads the dashboard, and `export fria` writes what was answered.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'aims-shell-impact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input = '') {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ organization: { name: 'Acme Council', publicSector: 'public_authority' }, groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'] } }));
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', ...args], {
    input,
    env: { ...process.env, AIMS_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: policy, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 85_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('shell impact and export fria (npm start on PGlite)', { timeout: 180_000 }, () => {
  it('assesses, lists, shows the dashboard, and exports the FRIA', () => {
    const demo = readFileSync('examples/shell-demo.txt', 'utf8').trimEnd();
    const answers = ['', 'Fair treatment.', 'Rates compared quarterly.', '', '', 'Applicants screened out.', 'None.', 'Small.', '', 'Monthly.', '', 'Wrong **rejections** <!channel>', '', 'Complaints to HR.'];
    const script = [demo, '/as bob', '/aims impact AI-1', ...answers, '/as compliance', '/aims inventory high', '/aims home', '/aims show AI-1'].join('\n');
    const r = run(['start'], script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/recorded AI-1\/IA-1 \(with the Art\. 27 elements/);
    expect(r.out).toMatch(/inventory \(class=high\): 1 tool, page 1 of 1/);
    expect(r.out).toMatch(/^Untreated high risks \(0\)$/m);
    expect(r.out).toMatch(/^Impact assessment: AI-1\/IA-1, next due \d{4}-\d{2}-\d{2}\.$/m);

    const md = run(['export', 'fria', 'AI-1']);
    expect(md.err).toBe('');
    expect(md.code).toBe(0);
    expect(md.out).toContain('- Organisation: Acme Council');
    expect(md.out).toContain('### (d) Specific risks of harm\n\n> Wrong \\*\\*rejections\\*\\* \\<\\!channel\\>');
    expect(md.out).toContain('### (a) Process and purpose\n\n> Screen CVs for open positions');
  });
});
