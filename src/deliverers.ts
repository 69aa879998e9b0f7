/**
 * Which deliverer serves which platform in this process. The shell's prints; Slack and Teams
 * register theirs here when configured.
 */
import type { Deliverer, DispatchOptions, Platform } from '../flows';
import { shellDeliverer } from '../adapters/shell/deliver';
import type { Core } from './app';
import type { Dispatcher, DispatcherHooks } from './dispatcher';
import { createDispatcher } from './dispatcher';

/** The deliverers this process has, by platform: the shell's always, Slack's and Teams' when configured. */
export async function createDeliverers(
  core: Pick<Core, 'deps' | 'config' | 'logger'>,
  print: (text: string) => void,
): Promise<Partial<Record<Platform, Deliverer>>> {
  const deliverers: Partial<Record<Platform, Deliverer>> = { shell: shellDeliverer(core.deps, print) };
  if (core.config.slack) {
    const { createSlackDelivery } = await import('../adapters/slack/create-slack-adapter');
    deliverers.slack = createSlackDelivery({ deps: core.deps, config: core.config.slack, logger: core.logger });
  }
  if (core.config.teams) {
    const { createTeamsAdapter } = await import('../adapters/teams');
    // Built for its deliverer only: nothing is mounted until `install`.
    deliverers.teams = createTeamsAdapter({ deps: core.deps, config: core.config.teams, logger: core.logger, afterChange: () => {} }).deliverer;
  }
  return deliverers;
}

/** A dispatcher with every deliverer this process has; it claims only rows it can deliver. */
export async function createDispatcherFor(
  core: Pick<Core, 'deps' | 'config' | 'logger'>,
  print: (text: string) => void,
  options: DispatchOptions = {},
  hooks: DispatcherHooks = {},
): Promise<Dispatcher> {
  const deliverers = await createDeliverers(core, print);
  const dispatcher = createDispatcher(core.deps, core.logger, options, hooks);
  for (const [platform, deliverer] of Object.entries(deliverers) as Array<[Platform, Deliverer]>) dispatcher.register(platform, deliverer);
  return dispatcher;
}
