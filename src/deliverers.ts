/**
 * Which deliverer serves which platform in this process. The shell's prints; Slack and Teams
 * register theirs here when configured.
 */
import { inArray } from 'drizzle-orm';
import { workspaces } from '../db/schema';
import type { Deliverer, DispatchOptions, Platform } from '../flows';
import { shellDeliverer } from '../adapters/shell/deliver';
import type { Core } from './app';
import type { Dispatcher } from './dispatcher';
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

/**
 * A dispatcher with every deliverer registered. With `onlyDeliverable`, it touches only rows of
 * workspaces whose platform has a deliverer here (for short-lived commands, so rows of other
 * platforms are not claimed and pushed back).
 */
export async function createDispatcherFor(
  core: Pick<Core, 'deps' | 'config' | 'logger'>,
  print: (text: string) => void,
  options: DispatchOptions & { onlyDeliverable?: boolean } = {},
): Promise<Dispatcher> {
  const deliverers = await createDeliverers(core, print);
  const platforms = Object.keys(deliverers) as Platform[];
  const { onlyDeliverable, ...dispatch } = options;
  if (onlyDeliverable) {
    const rows = await core.deps.db.select({ id: workspaces.id }).from(workspaces).where(inArray(workspaces.platform, platforms));
    dispatch.workspaceIds = rows.map((r) => r.id);
  }
  const dispatcher = createDispatcher(core.deps, core.logger, dispatch);
  for (const p of platforms) dispatcher.register(p, deliverers[p]!);
  return dispatcher;
}
