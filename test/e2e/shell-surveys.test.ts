/** The shell's campaigns through stdin: compliance starts an AI-use survey, bob answers it naming an unregistered tool, the AI policy is shown and acknowledged once, literacy is attested and exported. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quarterRef } from '../../flows';

const dirs: string[] = [];
function start(input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-shell-surveys-'));
  dirs.push(dir);
  const policy = join(dir, 'policy.yaml');
  writeFileSync(
    policy,
    [
      'organization: { name: Demo }',
      "groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'], security: ['shell:security'] }",
      "aiPolicy: { version: 4, url: 'https://wiki.example/ai-policy', summary: 'Use approved tools only.' }",
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
    input,
    env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: policy, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 85_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell surveys (npm start on PGlite)', { timeout: 90_000 }, () => {
  it('starts a campaign, records an answer, acknowledges the policy once and exports literacy', () => {
    const ref = quarterRef(new Date(), 'UTC');
    const script = [
      '/as bob',
      '/aims policy',
      '/aims survey',
      '/as compliance',
      '/aims survey everything',
      '/aims survey',
      '/as bob',
      `/aims survey answer ${ref} none, GitHub Copilot`,
      `/aims survey answer ${ref} GitHub Copilot, Foo AI`,
      '/aims policy acknowledge 3',
      '/aims policy acknowledge',
      '/aims policy acknowledge 4',
      '/aims literacy',
      '/aims literacy https://lms.example/cert/42',
      '/aims export literacy',
      '/as compliance',
      '/aims export literacy csv',
    ].join('\n');
    const r = start(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('AI policy, version 4: Use approved tools only.');
    expect(r.out).toContain('/aims policy acknowledge 4');
    expect(r.out).toContain('✗ Only compliance can start a survey campaign.');
    expect(r.out).toContain('✗ Unknown survey "everything"');
    expect(r.out).toContain(`started ${ref} (ai use)`);
    expect(r.out).toMatch(new RegExp(`campaign ${ref} started: [1-9]\\d* (people|person) asked`));
    expect(r.out).toContain(`/aims survey answer ${ref} none | <tools>`);
    expect(r.out).toContain('either "none" or the tools you used');
    expect(r.out).toContain(`recorded your answer to ${ref}.`);
    expect(r.out).toContain('not registered yet: GitHub Copilot — /aims register');
    expect(r.out).toContain('not registered yet: Foo AI — /aims register');
    expect(r.out).toContain('replaced by version 4');
    expect(r.out).toContain('recorded: you acknowledged the AI policy, version 4.');
    expect(r.out).toMatch(/you already acknowledged version 4 on \d{4}-\d{2}-\d{2}\./);
    expect(r.out).toContain('Give evidence of the training you completed');
    expect(r.out).toContain('recorded: your AI literacy training.');
    expect(r.out).toContain('✗ Only compliance can export the literacy records.');
    expect(r.out).toMatch(/shell:bob,bob,,4,\d{4}-[^,]+,true,\d{4}-[^,]+,https:\/\/lms\.example\/cert\/42/);
  });
});
