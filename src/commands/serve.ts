/**
 * `aimsbot serve`: the HTTP adapters (Slack, Teams) and health routes, without the shell.
 * `--with-jobs` (used by `start`) also runs the scheduled jobs in this process.
 */
import { createCore } from '../app';
import type { Config } from '../config';
import { loadConfig } from '../config';
import { createDispatcherFor } from '../deliverers';
import { createHttpApp } from '../http-server';
import { logUnhandledRejections } from '../process-guards';
import { databaseReady } from '../../db/schema-version';
import type { CliIo } from './io';
import { UsageError } from './io';

/**
 * Without Slack or Teams settings `serve` answers only the health and metrics routes: say so,
 * and name the variables that turn a platform on. Null when a platform is configured.
 */
export function noPlatformWarning(config: Pick<Config, 'slack' | 'teams'>): string | null {
  if (config.slack || config.teams) return null;
  return (
    'no chat platform is configured, so only /healthz, /readyz and /metrics answer. ' +
    'For Slack set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode) or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); ' +
    'for Teams set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or AIMS_TEAMS=1 for unauthenticated local testing); ' +
    'to try aimsbot without a platform run `aimsbot shell`'
  );
}

/** How long a shutdown waits for acknowledged Slack requests still being handled (ms). */
const DRAIN_MS = 5000;

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = p.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function serveCommand(io: CliIo): Promise<number> {
  for (const a of io.argv) if (a !== '--with-jobs') throw new UsageError(`unexpected argument "${a}"`);
  const config = loadConfig(io.env);
  const core = await createCore(config);
  const unconfigured = noPlatformWarning(config);
  if (unconfigured) core.logger.warn(unconfigured);
  const http = createHttpApp({ metrics: config.metrics });
  const unguard = logUnhandledRejections(core.logger);
  // Ready only while the database answers and holds the schema this version expects.
  http.addReadiness('database', () => databaseReady(core.database));
  const print = (t: string) => io.stdout(`${t}\n`);
  // One dispatcher per process, with every deliverer this process has.
  const dispatcher = await createDispatcherFor(core, print, {}, http.dispatcherHooks);
  const afterChange = () => void dispatcher.kick();

  let slack: { stop(): Promise<void>; idle(): Promise<void> } | null = null;
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
  // No new requests; then the work behind every request already acknowledged (Slack handlers
  // run after the ack) finishes before the database closes, so nothing acknowledged is lost.
  await listening.close();
  if (slack && !(await settlesWithin(slack.idle(), DRAIN_MS))) {
    core.logger.warn({ waitedMs: DRAIN_MS }, 'slack handlers still running at shutdown; stopping anyway');
  }
  await jobs?.stop();
  await slack?.stop();
  await dispatcher.stop();
  await core.close();
  unguard();
  return 0;
}
