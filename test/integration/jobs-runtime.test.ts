/**
 * The runtimes as processes use them: the in-process scheduler (no Redis) runs the handlers and
 * catches up at start; `serve --with-jobs` reports the queue in /readyz; `worker` stops cleanly.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, TEST_REDIS_URL } from '../helpers/redis';
import { Queue } from 'bullmq';
import { JOBS_QUEUE } from '../../src/jobs/bullmq';
import type { FlowDeps } from '../../flows';
import { notifications } from '../../db/schema';
import type { JobName } from '../../src/jobs/handlers';
import { startJobs } from '../../src/jobs/runtime';
import { createLogger } from '../../src/logger';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { SEED_AT, seededJobsDatabase } from '../helpers/jobs-seed';

const PREFIX = `aims-test-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('jobs runtimes', () => {
  let tdb: TestDatabase;
  let deps: FlowDeps;
  const clock = testClock(SEED_AT);

  beforeAll(async () => {
    ({ tdb, deps } = await seededJobsDatabase(clock));
  });
  afterAll(async () => {
    await deleteKeys(PREFIX);
    await tdb?.destroy();
  });

  it('runs the reminders at start and every job on its schedule without Redis', async () => {
    clock.set('2026-10-07T10:00:00Z');
    const runs: JobName[] = [];
    const runtime = await startJobs({
      deps,
      logger: createLogger('silent'),
      schedules: { 'weekly-digest': { every: 100 } },
      afterRun: (n) => runs.push(n),
    });
    expect(runtime.kind).toBe('in-process');
    // Wait for the digest's second scheduled run (100 ms apart; longer on a loaded machine).
    const until = Date.now() + 10_000;
    while (runs.filter((n) => n === 'weekly-digest').length < 2 && Date.now() < until) await sleep(50);
    await runtime.stop();
    // The reminders are hourly and half-hourly: having run at all within seconds, they ran at start.
    expect(runs).toContain('approval-reminders');
    expect(runs).toContain('review-reminders');
    expect(runs.filter((n) => n === 'weekly-digest').length).toBeGreaterThanOrEqual(2);
    // Hourly reminders did not fire again meanwhile.
    expect(runs.filter((n) => n === 'review-reminders')).toHaveLength(1);
    const kinds = (await deps.db.select().from(notifications)).map((r) => r.kind).filter((k) => /reminder|digest/.test(k)).sort();
    expect(kinds).toEqual(['approval.reminder', 'approval.reminder', 'approval.reminder', 'approval.reminder', 'digest.weekly', 'review.reminder']);
  });

  it('serve --with-jobs reports the queue in /readyz; stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/aimsbot.js', 'serve', '--with-jobs'], {
      env: { ...process.env, DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, AIMS_QUEUE_PREFIX: PREFIX, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const end = Date.now() + 15_000;
    let port: number | null = null;
    while (port === null && Date.now() < end) {
      const m = /"port":(\d+)[^\n]*aimsbot listening/.exec(stderr);
      if (m && stderr.includes('scheduled jobs running')) port = Number(m[1]);
      else await sleep(50);
    }
    expect(port).not.toBeNull();
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: true, queue: true } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const queue = new Queue(JOBS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: PREFIX });
    const schedulers = await queue.getJobSchedulers();
    await queue.close();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['ai-use-survey', '0 10 1 1,4,7,10 *', 'UTC'],
      ['approval-reminders', '30 * * * *', 'UTC'],
      ['management-review', '0 8 1 1,4,7,10 *', 'UTC'],
      ['nc-reminders', '45 * * * *', 'UTC'],
      ['policy-ack', '0 10 * * 1', 'UTC'],
      ['review-reminders', '0 * * * *', 'UTC'],
      ['survey-reminders', '45 * * * *', 'UTC'],
      ['task-reminders', '15 * * * *', 'UTC'],
      ['weekly-digest', '0 9 * * 1', 'UTC'],
    ]);
  });
});
