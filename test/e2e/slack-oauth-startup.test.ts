/**
 * A real `aimsbot serve` with the Slack OAuth settings: without AIMS_ENCRYPTION_KEY it refuses to
 * start (exit 2, one line, no secret echoed, nothing created); with it, it serves the install
 * routes, installs a workspace through the fake Slack API and logs no token.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { embeddedEnv, runCli } from '../helpers/cli-process';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import type { FakeSlackApi } from '../helpers/fake-slack-api';
import { startFakeSlackApi } from '../helpers/fake-slack-api';

const OAUTH = { SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'client-secret-do-not-echo', SLACK_STATE_SECRET: 'state-secret-do-not-echo', SLACK_SIGNING_SECRET: 'signing-secret' };

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

describe('serve with the Slack OAuth install', () => {
  it('refuses to start without AIMS_ENCRYPTION_KEY: exit 2, one line, nothing created', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aims-oauth-')), 'data');
    try {
      const r = await runCli(['serve'], embeddedEnv(dir, { ...OAUTH, AIMS_ENCRYPTION_KEY: '' }));
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/AIMS_ENCRYPTION_KEY: required with the Slack OAuth install/);
      expect(r.stderr + r.stdout).not.toMatch(/do-not-echo/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  }, 60_000);

  describe('with a key', () => {
    let database: TestDatabase;
    let fake: FakeSlackApi;
    let child: ChildProcess;
    let stderr = '';
    let port = '';
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      fake = await startFakeSlackApi();
      child = spawn(process.execPath, ['bin/aimsbot.js', 'serve'], {
        env: {
          ...embeddedEnv('/nonexistent-unused'),
          ...OAUTH,
          AIMS_ENCRYPTION_KEY: 'c'.repeat(64),
          SLACK_API_URL: fake.apiUrl,
          DATABASE_URL: database.url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
      if (!(await until(() => /"msg":"aimsbot listening"/.test(stderr), 60_000))) throw new Error(`serve did not start: ${stderr.slice(-2000)}`);
      port = /"port":(\d+)[^\n]*"msg":"aimsbot listening"/.exec(stderr)![1]!;
    }, 90_000);
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await until(() => child.exitCode !== null, 10_000);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await fake?.close();
      await database?.destroy();
    });

    it('installs a workspace through /slack/install and /slack/oauth_redirect, and logs no token or secret', async () => {
      fake.grant({ code: 'live-code', botToken: 'xoxb-live-secret-777', team: { id: 'T0LIVE', name: 'Live' } });
      const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
      expect(page.status).toBe(200);
      const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
      const done = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=live-code&state=${state}`, { headers: { cookie: `slack-app-oauth-state=${state}` } });
      expect(done.status).toBe(200);
      const rows = await database.db.execute(sql`select install_key, sealed from slack_installations`);
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ install_key: string; sealed: string }>;
      expect(list.map((r) => r.install_key)).toEqual(['team:T0LIVE']);
      expect(list[0]!.sealed).not.toContain('xoxb');
      expect(await until(() => stderr.includes('slack: app installed'), 5_000)).toBe(true);
      expect(stderr).not.toMatch(/xoxb-live-secret|do-not-echo|cccccccc/);
    });
  });
});
