/**
 * `aimsbot serve`: the HTTP adapters (Slack, Teams) and health routes, without the shell.
 * `--with-jobs` (used by `start`) also runs the scheduled jobs in this process.
 */
import { createCore } from '../app';
import { loadConfig } from '../config';
import { createDispatcher } from '../dispatcher';
import { createHttpApp } from '../http-server';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function serveCommand(io: CliIo): Promise<number> {
  for (const a of io.argv) if (a !== '--with-jobs') throw new UsageError(`unexpected argument "${a}"`);
  const config = loadConfig(io.env);
  const core = await createCore(config);
  const http = createHttpApp();
  http.addReadiness('database', () => core.database.ping());
  const dispatcher = createDispatcher(core.deps, core.logger);
  if (config.teams) {
    const { createTeamsAdapter } = await import('../../adapters/teams');
    const teams = createTeamsAdapter({ deps: core.deps, config: config.teams, logger: core.logger, afterChange: () => void dispatcher.kick() });
    teams.install(http.app);
    dispatcher.register('teams', teams.deliverer);
  }
  dispatcher.start();
  const listening = await http.listen(config.port, config.host);
  core.logger.info({ port: listening.port, slack: !!config.slack, teams: !!config.teams }, 'aimsbot listening');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await listening.close();
  await dispatcher.stop();
  await core.close();
  return 0;
}
