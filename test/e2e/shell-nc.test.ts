/** The shell's nonconformities through stdin: raised, refused to strangers, contained, its cause found, an action done, verified effective and closed by compliance, then exported. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function start(input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-shell-nc-'));
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

describe('shell nonconformities (npm start on PGlite)', { timeout: 90_000 }, () => {
  it('runs an NC from nc raise to closure', () => {
    const script = [
      '/as alice',
      '/aims nc raise',
      'gossip',
      '4',
      'major',
      '=cmd|calc <!channel> outputs not reviewed',
      'bob',
      '/aims nc NC-1',
      '/as mallory',
      '/aims nc NC-1 containment',
      '/as bob',
      '/aims nc NC-1 action',
      '/aims nc NC-1 containment',
      'Paused the tool',
      '/aims nc NC-1 root-cause',
      'No review step',
      '/aims nc NC-1 action',
      'Add a review step',
      'me',
      '2020-01-01',
      '2099-01-01',
      '/aims task T-1',
      '1',
      'https://wiki.example/review-step',
      '/aims nc NC-1 verify',
      'yes',
      '/aims nc NC-1 close',
      '/as compliance',
      '/aims nc NC-1 close',
      '/aims nc NC-1 close',
      '/aims export nonconformities csv',
    ].join('\n');
    const r = start(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✗ choose 1–5 or one of audit, incident, review, complaint, other');
    expect(r.out).toContain('Raised NC-1; its owner has been told.');
    expect(r.out).toMatch(/You own the major nonconformity NC-1/);
    expect(r.out).toContain('✗ Only the owner of NC-1 or compliance can work on it');
    expect(r.out).toContain('✗ Record the root cause of NC-1 first');
    expect(r.out).toContain('Containment of NC-1 recorded.');
    expect(r.out).toContain('✗ due_date: must be today');
    expect(r.out).toContain('Corrective action T-1 added to NC-1.');
    expect(r.out).toContain('Every corrective action of NC-1 is closed');
    expect(r.out).toContain('NC-1 is verified effective; compliance can close it.');
    expect(r.out).toContain('✗ Only compliance can close NC-1.');
    expect(r.out).toContain('NC-1 is closed by compliance.');
    expect(r.out).toContain('✗ NC-1 is already closed');
    const csv = r.out.slice(r.out.indexOf('nonconformities-'));
    expect(csv).toContain("'=cmd|calc");
    expect(csv).toContain('T-1 (done)');
  });
});
