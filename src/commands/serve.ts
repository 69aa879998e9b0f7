/**
 * `aimsbot serve`: the HTTP adapters (Slack, Teams) and health routes, without the shell.
 * `--with-jobs` (used by `start`) also runs the scheduled jobs in this process.
 */
import { createCore } from '../app';
import { loadConfig } from '../config';
import { createDispatcherFor } from '../deliverers';
import { createHttpApp } from '../http-server';
import { logUnhandledRejections } from '../process-guards';
import { databaseReady } from '../../db/schema-version';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function serveCommand(io: CliIo): Promise<number> {
  for (const a of io.argv) if (a !== '--with-jobs') throw new UsageError(`unexpected argument "${a}"`);
  const config = loadConfig(io.env);
  const core = await createCore(config);
  const http = createHttpApp({ metrics: config.metrics });
  const unguard = logUnhandledRejections(core.logger);
  // Ready only while the database answers and holds the schema this version expects.
  http.addReadiness('database', () => databaseReady(core.database));
  const print = (t: string) => io.stdout(`${t}\n`);
  // One dispatcher per process, with every deliverer this process has.
  const dispatcher = await createDispatcherFor(core, print, {}, http.dispatcherHooks);
  const afterChange = () => void dispatcher.kick();

  let slack: { stop(): Promise<void> } | null = null;
  if (config.slack) {
    const { createSlackAdapter } = await import('../../adapters/slack/create-slack-adapter');
    const adapter = createSlackAdapter({ deps: core.deps, config: config.slack, logger: core.logger, afterChange });
    adapter.install(http.app);
    dispatcher.register('slack', adapter.deliverer);
    await adapter.start();
    slack = adapter;
    core.logger.info({ mode: adapter.mode }, 'slack adapter ready');
  }
  if (config.teams) {
    const { createTeamsAdapter } = await import('../../adapters/teams');
    const teams = createTeamsAdapter({ deps: core.deps, config: config.teams, logger: core.logger, afterChange });
    teams.install(http.app);
    dispatcher.register('teams', teams.deliverer);
    core.logger.info({ authenticated: !!config.teams.appId }, 'teams adapter ready');
  }
  dispatcher.start();
  const jobs = io.argv.includes('--with-jobs') ? await (await import('../jobs/host')).hostJobs(core, print, io.env, dispatcher) : null;
  if (jobs && config.redisUrl) http.addReadiness('queue', () => jobs.runtime.ping());

  const listening = await http.listen(config.port, config.host);
  core.logger.info({ port: listening.port, metricsPort: listening.metricsPort, slack: !!config.slack, teams: !!config.teams }, 'aimsbot listening');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await listening.close();
  await jobs?.stop();
  await slack?.stop();
  await dispatcher.stop();
  await core.close();
  unguard();
  return 0;
}
