/**
 * The BullMQ runtime: one queue, one job scheduler per job (stable ids, so every process that
 * starts upserts the same three), and a worker that runs them. Schedulers are upserted again
 * periodically, so a Redis that restarted empty gets them back without a deploy.
 */
import { Queue, Worker } from 'bullmq';
import type { JobName, Schedule } from './handlers';
import { isJobName } from './handlers';
import type { JobsOptions, JobsRuntime } from './runtime';
import { runJob } from './runtime';

/** The queue's name. */
export const JOBS_QUEUE = 'aimsbot-jobs';

/** How often the schedulers are upserted again (ms), by default. */
const ENSURE_EVERY_MS = 30_000;

/** Reconnect quickly, then every few seconds at most. */
const retryStrategy = (times: number) => Math.min(250 * times, 3000);

/** Starts a queue with the schedulers and a worker processing them. */
export async function startBullmqJobs(
  opts: JobsOptions & { redisUrl: string; schedules: Record<JobName, Schedule> },
): Promise<JobsRuntime> {
  const prefix = opts.prefix ?? 'aimsbot';
  const { logger } = opts;
  const queue = new Queue(JOBS_QUEUE, {
    connection: { url: opts.redisUrl, retryStrategy, maxRetriesPerRequest: 3 },
    prefix,
  });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'job queue: redis unavailable'));

  let ensuring: Promise<void> | null = null;
  const ensure = () => {
    ensuring ??= (async () => {
      try {
        for (const [name, schedule] of Object.entries(opts.schedules) as Array<[JobName, Schedule]>) {
          await queue.upsertJobScheduler(name, schedule, {
            name,
            data: {},
            opts: { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
          });
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'job schedulers not upserted; retrying later');
      } finally {
        ensuring = null;
      }
    })();
    return ensuring;
  };
  await ensure();
  const ensureTimer = setInterval(() => void ensure(), opts.ensureEveryMs ?? ENSURE_EVERY_MS);
  ensureTimer.unref();

  const worker = new Worker(
    JOBS_QUEUE,
    async (job) => {
      if (!isJobName(job.name)) throw new Error(`unknown job ${job.name}`);
      return { enqueued: await runJob(opts, job.name) };
    },
    { connection: { url: opts.redisUrl, retryStrategy, maxRetriesPerRequest: null }, prefix, concurrency: 1 },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'job worker: redis unavailable'));
  worker.on('failed', (job, err) => logger.error({ job: job?.name, err }, 'job failed'));

  return {
    kind: 'bullmq',
    ping: async () => {
      try {
        const client = await queue.getBackend().client;
        const info = await Promise.race([client.info(), new Promise<null>((r) => setTimeout(() => r(null), 1000).unref())]);
        return typeof info === 'string' && info.includes('redis_version');
      } catch {
        return false;
      }
    },
    stop: async () => {
      clearInterval(ensureTimer);
      await ensuring;
      await worker.close();
      await queue.close();
    },
  };
}
