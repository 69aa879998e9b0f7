/** `bin/aimsbot.js` (the Docker entrypoint) passes SIGTERM on, so the real process stops with it. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'aims-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/aimsbot.js', () => {
  it('stops the worker it started on SIGTERM instead of leaving it running', async () => {
    const child = spawn(process.execPath, ['bin/aimsbot.js', 'worker'], {
      env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', AIMS_POLICY: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    child.stdout.on('data', () => {});
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker did not start: ${log}`)), 30_000);
      child.stderr.on('data', () => {
        if (log.includes('scheduled jobs running')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    // The pipes close only when every process holding them (the real worker too) has exited.
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5_000);
      child.on('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
  }, 60_000);
});
