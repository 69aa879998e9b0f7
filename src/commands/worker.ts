/** `aimsbot worker`: the scheduled jobs (and outbox delivery) only, until SIGINT or SIGTERM. */
import { createCore } from '../app';
import { loadConfig } from '../config';
import { hostJobs } from '../jobs/host';
import { logUnhandledRejections } from '../process-guards';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function workerCommand(io: CliIo): Promise<number> {
  if (io.argv.length) throw new UsageError(`unexpected argument "${io.argv[0]}"; worker takes none`);
  const config = loadConfig(io.env);
  const core = await createCore(config);
  const unguard = logUnhandledRejections(core.logger);
  const jobs = await hostJobs(core, (t) => io.stdout(`${t}\n`), io.env);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await jobs.stop();
  await core.close();
  unguard();
  return 0;
}
