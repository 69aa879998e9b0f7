/**
 * The jobs runtime: BullMQ queues and job schedulers when `REDIS_URL` is set (any number of
 * worker processes), otherwise an in-process scheduler (one process only). Both run the same
 * handlers and then kick the outbox dispatcher. Correctness never depends on the runtime: what
 * is due is derived from Postgres and every notification has a dedupe key.
 */
import type { FlowDeps } from '../../flows';
import type { Logger } from '../logger';
import type { JobName, Schedule } from './handlers';
import { defaultSchedules, JOB_HANDLERS } from './handlers';
import { startBullmqJobs } from './bullmq';
import { startInProcessJobs } from './in-process';

/** A running jobs runtime. */
export interface JobsRuntime {
  kind: 'bullmq' | 'in-process';
  /** True when the queue backend is reachable (always true in process). */
  ping(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Options of `startJobs`. */
export interface JobsOptions {
  deps: FlowDeps;
  logger: Logger;
  /** Redis URL; unset: in-process scheduler. */
  redisUrl?: string | undefined;
  /** BullMQ key prefix. Default `aimsbot`. */
  prefix?: string | undefined;
  /** Override schedules (tests). Default: `defaultSchedules(policy)`. */
  schedules?: Partial<Record<JobName, Schedule>>;
  /** BullMQ: how often the job schedulers are upserted again, in ms (a Redis restarted empty gets them back). Default 30 000. */
  ensureEveryMs?: number;
  /** Called after each job run (wire to the dispatcher's `kick`). */
  afterRun?: (name: JobName) => void;
}

/** Runs one job as of the clock's now; logs and rethrows failures. */
export async function runJob(opts: Pick<JobsOptions, 'deps' | 'logger' | 'afterRun'>, name: JobName): Promise<number> {
  const now = opts.deps.clock.now();
  const report = await JOB_HANDLERS[name](opts.deps, now);
  opts.logger.info({ job: name, at: now.toISOString(), ...report }, 'job ran');
  opts.afterRun?.(name);
  return report.enqueued;
}

/** Starts the runtime the configuration asks for. */
export async function startJobs(opts: JobsOptions): Promise<JobsRuntime> {
  const schedules = { ...defaultSchedules(opts.deps.policy), ...opts.schedules };
  if (opts.redisUrl) return startBullmqJobs({ ...opts, redisUrl: opts.redisUrl, schedules });
  return startInProcessJobs({ ...opts, schedules });
}
