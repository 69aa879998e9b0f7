/**
 * The catalog, transfer and edit in the shell, through stdin: `check chatgpt` offers the
 * register command; `register chatgpt` offers the catalog's values and answers as defaults that
 * an empty line keeps; the registration stores the catalog id; `transfer` and `edit` with who may.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shell catalog, transfer and edit (npm start on PGlite)', { timeout: 120_000 }, () => {
  it('registers a catalog tool with its defaults, transfers it and edits it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-shell-catalog-'));
    dirs.push(dir);
    const script = [
      readFileSync('examples/shell-demo.txt', 'utf8').trimEnd(),
      '/as alice',
      '/aims check chatgpt',
      '/aims register ChatGPT Plus',
      // name, vendor, link kept; purpose; owner; department kept empty; usage status.
      '', '', '', 'Drafting texts', 'me', '', 'in_use',
      // technique and capabilities kept from the catalog; the rest answered.
      '', '', 'none', 'informs', 'vendor_as_is', 'no', 'employees', 'internal', 'no', 'internal_staff', 'internal_only', 'none', 'none', 'no',
      '/aims show AI-2',
      '/aims check chatgpt',
      '/as mallory',
      '/aims transfer AI-2 mallory',
      '/aims edit AI-2',
      '/as alice',
      '/aims transfer AI-2 nobody here',
      '/aims transfer AI-2 bob',
      '/as bob',
      '/aims edit AI-2',
      'ChatGPT Enterprise', '-', '', '', 'Marketing',
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
    expect(out).toContain('ChatGPT (OpenAI) is not registered yet — register it? Type /aims register chatgpt');
    expect(out).toContain('Filled in from the AI tool catalog');
    expect(out).toContain('(empty line keeps: machine_learning)');
    expect(out).toMatch(/registered AI-2 "ChatGPT"/);
    const later = out.slice(out.indexOf('registered AI-2'));
    expect(later).toMatch(/AI-2/);
    expect(later).not.toContain('is not registered yet');
    expect(out).toMatch(/✗ Only the owner of AI-2 \(alice\) or a member of compliance can transfer it/);
    expect(out).toMatch(/✗ Only the owner of AI-2 \(alice\) or a member of compliance can edit it/);
    expect(out).toContain('✗ "nobody here" is not a person');
    expect(out).toContain(`AI-2 "ChatGPT" now belongs to bob (it was alice's)`);
    expect(out).toMatch(/\[to bob\] alice made you the owner of AI-2/);
    expect(out).toContain('saved AI-2 "ChatGPT Enterprise": name "ChatGPT" → "ChatGPT Enterprise"; vendor "OpenAI" → ""; department "" → "Marketing"');
  });
});
