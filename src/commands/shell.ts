/** `aimsbot shell`: the terminal adapter on the configured database (embedded by default). */
import { lineSource, terminalLineSource } from '../../adapters/shell/line-source';
import { resolvePerson } from '../../adapters/shell/people';
import { runShell } from '../../adapters/shell/session';
import { createCore } from '../app';
import { loadConfig } from '../config';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function shellCommand(io: CliIo): Promise<number> {
  let speaker: string | undefined;
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i];
    if (a === '--as' && io.argv[i + 1]) speaker = io.argv[++i];
    else throw new UsageError(`unexpected argument "${a}"; the shell takes only --as <name>`);
  }
  const config = loadConfig(io.env);
  const core = await createCore(config, { policyFallback: 'demo', logger: undefined });
  // A person at a terminal gets line editing, history, prompts and Ctrl-C; a pipe is read as is.
  const tty = (io.stdin as NodeJS.ReadStream).isTTY === true && process.stdout.isTTY === true;
  const lines = tty ? terminalLineSource(io.stdin, process.stdout) : lineSource(io.stdin);
  try {
    const who = speaker === undefined ? null : resolvePerson(speaker, core.deps.policy);
    if (who && !who.ok) throw new UsageError(`--as ${speaker}: ${who.message}`);
    await runShell({
      deps: core.deps,
      lines,
      print: (t) => io.stdout(t.endsWith('> ') ? t : `${t}\n`),
      echo: !tty,
      speaker,
    });
    return 0;
  } finally {
    lines.close();
    await core.close();
  }
}
