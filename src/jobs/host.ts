/**
 * Hosts the jobs in a long-running process (`aimsbot worker`, `serve --with-jobs`): a polling
 * outbox dispatcher with this process's deliverers, plus the jobs runtime kicking it after each run.
 */
import type { Core } from '../app';
import { createDispatcherFor } from '../deliverers';
import type { Dispatcher } from '../dispatcher';
import type { JobsRuntime } from './runtime';
import { startJobs } from './runtime';

/** What `hostJobs` started. */
export interface HostedJobs {
  runtime: JobsRuntime;
  stop(): Promise<void>;
}

/**
 * Starts the jobs runtime, and a polling dispatcher unless the process already has one (serve).
 * `AIMS_QUEUE_PREFIX` sets the BullMQ key prefix.
 */
export async function hostJobs(
  core: Core,
  print: (text: string) => void,
  env: NodeJS.ProcessEnv,
  shared?: Dispatcher,
): Promise<HostedJobs> {
  const dispatcher = shared ?? (await createDispatcherFor(core, print));
  dispatcher.start();
  const runtime = await startJobs({
    deps: core.deps,
    logger: core.logger,
    redisUrl: core.config.redisUrl,
    prefix: env.AIMS_QUEUE_PREFIX?.trim() || undefined,
    afterRun: () => void dispatcher.kick(),
  });
  core.logger.info({ runtime: runtime.kind }, 'scheduled jobs running');
  return {
    runtime,
    stop: async () => {
      await runtime.stop();
      if (!shared) await dispatcher.stop();
    },
  };
}
