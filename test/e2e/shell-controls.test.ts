/** The shell's `controls` and `soa` driven through stdin, on embedded Postgres (aims.md). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE } from '../helpers/hostile-text';

const dirs: string[] = [];
function start(input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-shell-controls-'));
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

describe('shell: control register and Statement of Applicability', { timeout: 90_000 }, () => {
  it('compliance lists, adds and edits controls, writes the SoA file and approves it once; others are refused', () => {
    const demo = readFileSync('examples/shell-demo.txt', 'utf8').trimEnd();
    const script = [
      demo,
      '/as bob',
      '/aims controls',
      '/aims soa',
      '/as compliance',
      '/aims controls justification-needed 2',
      `/aims controls add Prompt library review ${HOSTILE}`,
      '/aims controls edit A.7.2',
      'not_applicable', '', '', '', '',
      '/aims controls edit A.7.2',
      'not_applicable', '', 'bob', 'https://wiki.example/data-policy', 'second note', '', 'We train no models.',
      '/aims soa',
      '/aims soa approve',
      '/aims soa approve',
    ].join('\n');
    const r = start(`${script}\n`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = r.out;
    expect(out).toContain('✗ Only the compliance group can see the control register; nothing was changed.');
    expect(out).toContain('✗ Only the compliance group can see and approve the Statement of Applicability; nothing was changed.');
    expect(out).toMatch(/control register: 38 controls, \d+ applicable, 0 implemented, \d+ need a justification/);
    expect(out).toMatch(/justification-needed: \d+ — page 2 of \d+/);
    expect(out).toContain('added X-1: Prompt library review');
    // What the bot printed (not the echoed input) carries no bidirectional control.
    expect(out.split('\n').filter((l) => !l.startsWith('compliance> '))).not.toContainEqual(expect.stringMatching(/\u202E/));
    expect(out).toMatch(/✗ justification: an override of the derived applicability .* needs a justification\nnothing was changed/);
    expect(out).toMatch(/updated A\.7\.2\n {2}A\.7\.2 Data for development and enhancement of AI system — not applicable, not applicable, owner bob\n {6}We train no models\./);
    const path = /Statement of Applicability written to (\S+)/.exec(out)![1]!;
    const md = readFileSync(path, 'utf8');
    expect(md).toContain('**Version:** draft (not approved)');
    expect(md).toContain('| A.7.2 Data for development and enhancement of AI system | no | not applicable | bob | We train no models\\. | https\\:');
    expect(out).toMatch(/approved as SoA-1 \(SHA-256 [0-9a-f]{64}\)/);
    expect(out).toMatch(/✗ This Statement of Applicability is already approved as SoA-1 by compliance/);
  });
});
