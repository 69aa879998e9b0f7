/**
 * The BullMQ runtime on the real Redis: two workers sharing one schedule write one set of
 * notifications; a Redis restarted (empty) mid-run gets its schedulers back and the jobs catch
 * up from Postgres, while flows keep working with Redis down.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, TEST_REDIS_URL } from '../helpers/redis';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { FlowDeps } from '../../flows';
import { dispatchDue, register } from '../../flows';
import { notifications } from '../../db/schema';
import { JOBS_QUEUE } from '../../src/jobs/bullmq';
import type { JobName } from '../../src/jobs/handlers';
import type { JobsRuntime } from '../../src/jobs/runtime';
import { startJobs } from '../../src/jobs/runtime';
import { createLogger } from '../../src/logger';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { SEED_AT, seedActor, seededJobsDatabase } from '../helpers/jobs-seed';
import { recordingDeliverer } from '../helpers/recording-deliverer';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

const PREFIX = `aims-test-${randomBytes(4).toString('hex')}`;
const SHARED = TEST_REDIS_URL;
const EVERY = { 'review-reminders': { every: 150 }, 'approval-reminders': { every: 150 }, 'weekly-digest': { every: 150 }, 'task-reminders': { every: 150 } };
const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

describe('jobs on BullMQ', () => {
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

  it('two workers running the same schedules produce one set of notifications', async () => {
    clock.set('2026-10-20T10:00:00Z');
    const runs: JobName[] = [];
    const start = () => startJobs({ deps, logger, redisUrl: SHARED, prefix: `${PREFIX}-a`, schedules: EVERY, afterRun: (n) => runs.push(n) });
    const workers = await Promise.all([start(), start()]);
    try {
      await until(() => ['review-reminders', 'approval-reminders', 'weekly-digest', 'task-reminders'].every((n) => runs.filter((r) => r === n).length >= 3));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const queue = new Queue(JOBS_QUEUE, { connection: { url: SHARED }, prefix: `${PREFIX}-a` });
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['ai-use-survey', 'approval-reminders', 'management-review', 'nc-reminders', 'policy-ack', 'review-reminders', 'survey-reminders', 'task-reminders', 'weekly-digest']);
    await queue.close();
    const rows = await deps.db.select().from(notifications);
    const jobRows = rows.filter((r) => /reminder|escalation|digest/.test(r.kind));
    expect(jobRows.map((r) => r.kind).sort()).toEqual([
      'approval.reminder',
      'approval.reminder',
      'approval.reminder',
      'approval.reminder',
      'digest.weekly',
      'review.reminder',
      'review.reminder',
    ]);
    const rec = recordingDeliverer();
    await dispatchDue(deps.db, clock, rec.deliver);
    expect(rec.keys().sort()).toEqual(jobRows.map((r) => r.dedupeKey).sort());
  });

  describe('with a Redis that restarts', () => {
    const PORT = 6391;
    const url = `redis://127.0.0.1:${PORT}`;
    let redis: ChildProcess | null = null;
    const startRedis = async () => {
      redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      await until(async () => (await probe.ping().catch(() => null)) === 'PONG', 5000);
      probe.disconnect();
    };
    const stopRedis = async () => {
      const r = redis;
      redis = null;
      if (!r || r.exitCode !== null) return;
      const gone = new Promise((res) => r.once('exit', res));
      r.kill('SIGKILL');
      await gone;
    };
    afterAll(stopRedis);

    it('keeps flows working while Redis is down and catches up when it returns', async () => {
      await startRedis();
      clock.set('2026-10-23T10:00:00Z');
      const runs: JobName[] = [];
      let runtime: JobsRuntime | null = null;
      try {
        runtime = await startJobs({ deps, logger, redisUrl: url, prefix: `${PREFIX}-b`, schedules: EVERY, ensureEveryMs: 300, afterRun: (n) => runs.push(n) });
        await until(() => runs.includes('review-reminders'));
        expect(await runtime.ping()).toBe(true);

        await stopRedis();
        expect(await runtime.ping()).toBe(false);
        // A registration goes through while the queue is down: nothing in the request path needs Redis.
        const alice = await seedActor(deps, 'alice');
        const r = await register(alice, { fields: fieldsFor('Offline Tool', 'shell:alice'), answers: minimalAnswers });
        expect(r.kind).toBe('registered');
        // Time passes while Redis is away: a new approval reminder falls due.
        clock.set('2026-10-26T10:00:00Z');
        await sleep(300);
        const seen = runs.length;

        await startRedis();
        await until(() => runs.length > seen + 3, 15_000);
        expect(await runtime.ping()).toBe(true);
      } finally {
        await runtime?.stop();
      }
      const rows = await deps.db.select().from(notifications);
      const offline = rows.filter((x) => x.kind === 'approval.reminder' && (x.payload as { ref: string }).ref === 'AI-7');
      expect(offline.map((x) => x.recipient)).toEqual([{ person: (await seedActor(deps, 'alice')).actor.id }]);
      const keys = rows.map((x) => x.dedupeKey);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
});
