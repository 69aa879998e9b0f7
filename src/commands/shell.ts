/** `aimsbot shell`: the terminal adapter on the configured database (embedded by default). */
import { lineSource } from '../../adapters/shell/line-source';
import { runShell } from '../../adapters/shell/session';
import { createCore } from '../app';
import { loadConfig } from '../config';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function shellCommand(io: CliIo): Promise<number> {
  let speaker: string | undefined;
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i];
    if (a === '--as' && io.argv[i + 1] && /^[\w.-]+$/.test(io.argv[i + 1]!)) speaker = io.argv[++i];
    else throw new UsageError(`unexpected argument "${a}"; the shell takes only --as <name>`);
  }
  const config = loadConfig(io.env);
  const core = await createCore(config, { policyFallback: 'demo', logger: undefined });
  const lines = lineSource(io.stdin);
  try {
    await runShell({
      deps: core.deps,
      lines,
      print: (t) => io.stdout(t.endsWith('> ') ? t : `${t}\n`),
      echo: !(io.stdin as NodeJS.ReadStream).isTTY,
      speaker,
    });
    return 0;
  } finally {
    lines.close();
    await core.close();
  }
}
