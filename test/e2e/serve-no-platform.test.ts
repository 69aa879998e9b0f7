/** `serve` with no chat platform configured says so, and names the variables that turn one on. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noPlatformWarning } from '../../src/commands/serve';
import { loadConfig } from '../../src/config';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

describe('serve without a platform', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let stderr = '';
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    child = spawn(process.execPath, ['bin/aimsbot.js', 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        AIMS_POLICY: '',
        SLACK_BOT_TOKEN: '',
        SLACK_SIGNING_SECRET: '',
        SLACK_APP_TOKEN: '',
        MICROSOFT_APP_ID: '',
        MICROSOFT_APP_PASSWORD: '',
        AIMS_TEAMS: '',
        REDIS_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    if (!(await until(() => /"msg":"aimsbot listening"/.test(stderr), 60_000))) throw new Error(`serve did not start: ${stderr.slice(-2000)}`);
  }, 90_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await until(() => child.exitCode !== null, 10_000);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await database?.destroy();
  });

  it('logs a warning naming the Slack and Teams variables, and still answers /healthz', async () => {
    const line = stderr.split('\n').find((l) => l.includes('no chat platform is configured'));
    expect(line, stderr).toBeDefined();
    const entry = JSON.parse(line!) as { level: number; msg: string };
    expect(entry.level).toBe(40);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'AIMS_TEAMS=1']) {
      expect(entry.msg).toContain(name);
    }
    const port = /"port":(\d+)[^\n]*"msg":"aimsbot listening"/.exec(stderr)![1];
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('says nothing when Slack or Teams is configured', () => {
    expect(noPlatformWarning(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' }))).toBeNull();
    expect(noPlatformWarning(loadConfig({ AIMS_TEAMS: '1' }))).toBeNull();
    expect(noPlatformWarning(loadConfig({}))).toMatch(/^no chat platform is configured/);
  });
});
