/** The shell adapter driven through stdin, as `npm start` runs it on embedded Postgres. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function start(input: string, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-shell-'));
  dirs.push(dir);
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
    input,
    env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent', ...extraEnv },
    encoding: 'utf8',
    timeout: 85_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Each test starts the whole program on embedded Postgres; a busy machine needs more than the default.
describe('shell adapter (npm start on PGlite)', { timeout: 90_000 }, () => {
  it('runs the README script: alice registers, bob, compliance and privacy approve, show prints approved', () => {
    const script = readFileSync('examples/shell-demo.txt', 'utf8');
    // The README shows this very script, line for line.
    expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`text\n${script.trimEnd()}\n\`\`\``);
    const r = start(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The last answer is an empty line; what follows it still starts a line of its own.
    expect(r.out).toMatch(/^registered AI-1 "CV Screener" — waiting for approval$/m);
    expect(r.out).toMatch(/class: high-risk/);
    expect(r.out).toMatch(/\[to alice\] AI-1 "CV Screener" was approved/);
    const show = r.out.slice(r.out.lastIndexOf('/aims show AI-1'));
    expect(show).toMatch(/^status: approved$/m);
    // The v2 questions are asked and the assessment keeps its questionnaire version.
    for (const id of ['technique', 'ai_act_exclusion', 'substantially_modified', 'public_sector', 'decides_about_people']) {
      expect(r.out).toContain(`[${id}]`);
    }
    expect(r.out).not.toContain('[public_service_provider]');
    expect(show).toMatch(/^assessment: v1 \(questionnaire v2\)$/m);
    expect(show).toMatch(/High-risk deployer duties \(Art\. 26\) — deployer duty, applies (from|since) 2 Dec 2027/);
  });

  it('explains a bad answer and asks again; a list number and yes/no work', () => {
    const script = [
      '/as alice',
      '/aims register',
      'Draft Buddy', '', '', 'Drafting internal memos', 'me', '', 'sometimes', '3',
      'machine_learning',
      '10', '1', // ai_capabilities: a wrong number, then generates_content
      'none', 'informs', 'vendor_as_is', 'maybe', 'no', 'employees', 'internal', 'no', 'internal_staff', 'internal_only', 'none', 'none', 'false',
      '/aims approve AI-1',
      '/aims show AI-1',
    ].join('\n');
    const r = start(script);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✗ .*usage_status|✗ .*sometimes/);
    expect(r.out).toMatch(/✗ .*offered_externally|✗ .*maybe/i);
    expect(r.out).toMatch(/registered AI-1 "Draft Buddy"/);
    expect(r.out).toMatch(/class: minimal risk/);
    expect(r.out.slice(r.out.lastIndexOf('/aims show AI-1'))).toMatch(/^status: approved$/m);
  });

  it('takes labels, mixed ids and numbers, TRUE/False, an owner typed as shell:bob and empty optional fields; a bad link is asked again', () => {
    const script = [
      '/as alice',
      '/aims register',
      'Draft Buddy', '', 'www.example.com', '', 'Drafting internal memos', 'shell:bob', '', 'already in use',
      'Learns from data', 'Generates content', 'None of these', 'informs', 'vendor_as_is', 'TRUE', 'employees, 2', 'Internal', 'no', 'internal_staff', 'internal_only', 'none', 'none', 'False', '',
      '/aims show AI-1',
    ].join('\n');
    const r = start(script);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/> www.example.com\n {2}✗ Give a web address starting with http:\/\/ or https:\/\/\.\nLink/);
    expect(r.out).toMatch(/^registered AI-1 "Draft Buddy" — waiting for approval$/m);
    // offered_externally answered TRUE makes the organisation a provider.
    expect(r.out).toMatch(/^roles: EU AI Act provider, deployer/m);
    const show = r.out.slice(r.out.lastIndexOf('/aims show AI-1'));
    expect(show).toMatch(/^usage: in use$/m);
    expect(show).toMatch(/^owner: bob$/m);
    expect(show).not.toMatch(/^url:/m);
  });

  it('refuses a duplicate, an unauthorised approval and an unknown command without changing anything', () => {
    const script = [
      '/as alice', '/aims register', 'Tool', '', '', 'p', 'bob', '', 'planned', 'rules_by_people', 'none', 'none',
      '/aims register', 'TOOL!', 
      '/as mallory', '/aims approve AI-1', '/aims frobnicate',
      '/as bob', '/aims show AI-1',
    ].join('\n');
    const r = start(script);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/already registered as AI-1/);
    expect(r.out).toMatch(/None of the steps of AI-1 is yours to decide/);
    expect(r.out).toMatch(/unknown command `frobnicate`/);
    expect(r.out.slice(r.out.lastIndexOf('/aims show AI-1'))).toMatch(/^status: waiting for approval$/m);
  });

  it('shows the "is it AI?" warning right after the capabilities, before anything is submitted', () => {
    const script = [
      '/as alice', '/aims register', 'Sorter', '', '', 'Sort tickets by keyword', 'me', '', 'planned',
      'rules_by_people', 'classifies_or_recommends', 'internal',
      '/aims show AI-1',
    ].join('\n');
    const r = start(script);
    expect(r.code).toBe(0);
    const warning = r.out.indexOf('! Predicting, scoring, classifying or acting by fixed rules');
    expect(warning).toBeGreaterThan(-1);
    expect(warning).toBeLessThan(r.out.indexOf('[data_categories]'));
    expect(r.out).toMatch(/class: out of scope/);
  });

  it('end of input in the middle of a registration exits 0 and submits nothing', () => {
    const r = start('/aims register\nHalf Done\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/nothing was submitted/);
  });

  it('a bad policy file stops start-up with the key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-policy-'));
    dirs.push(dir);
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'reviews: { highDays: 90, lowDays: 3 }\n');
    const r = start('', { AIMS_POLICY: file });
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/reviews.*lowDays/);
  });
});
