/**
 * `aimsbot start`: every adapter whose settings are present (Slack, Teams) plus the jobs, or the
 * shell when no chat platform is configured.
 */
import { loadConfig } from '../config';
import type { CliIo } from './io';

export async function startCommand(io: CliIo): Promise<number> {
  const config = loadConfig(io.env);
  if (!config.slack && !config.teams) {
    const { shellCommand } = await import('./shell');
    return shellCommand(io);
  }
  const { serveCommand } = await import('./serve');
  return serveCommand({ ...io, argv: [...io.argv, '--with-jobs'] });
}
