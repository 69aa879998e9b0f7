/**
 * The scheduler used without Redis: timers in this process fire each job at its next cron time
 * (in the schedule's time zone). Only safe in one process; use `REDIS_URL` and workers to scale.
 */
import { CronExpressionParser } from 'cron-parser';
import type { JobsOptions, JobsRuntime } from './runtime';
import { runJob } from './runtime';
import type { JobName, Schedule } from './handlers';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Starts timers for every schedule; reminders also run once at start, to catch up after downtime. */
export function startInProcessJobs(opts: JobsOptions & { schedules: Record<JobName, Schedule> }): JobsRuntime {
  const timers = new Map<JobName, NodeJS.Timeout>();
  const running = new Map<JobName, Promise<unknown>>();
  let stopped = false;

  const fire = (name: JobName) => {
    if (stopped || running.has(name)) return;
    const p = runJob(opts, name)
      .catch((err: unknown) => opts.logger.error({ err, job: name }, 'job failed'))
      .finally(() => running.delete(name));
    running.set(name, p);
  };

  const arm = (name: JobName, schedule: Schedule) => {
    if (stopped) return;
    let delay: number;
    if ('every' in schedule) {
      delay = schedule.every;
    } else {
      const now = opts.deps.clock.now();
      const next = CronExpressionParser.parse(schedule.pattern, { currentDate: now, tz: schedule.tz }).next().toDate();
      delay = Math.max(next.getTime() - now.getTime(), 0);
    }
    const capped = delay > MAX_TIMER_MS;
    const timer = setTimeout(() => {
      if (!capped) fire(name);
      arm(name, schedule);
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    timers.set(name, timer);
  };

  for (const [name, schedule] of Object.entries(opts.schedules) as Array<[JobName, Schedule]>) arm(name, schedule);
  fire('review-reminders');
  fire('approval-reminders');

  return {
    kind: 'in-process',
    ping: async () => true,
    stop: async () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(running.values());
    },
  };
}
