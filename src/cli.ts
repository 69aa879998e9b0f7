/**
 * Command-line entry point: `npm run -s aimsbot -- <command>`.
 * Bad input exits 2 with one line naming what is wrong; never a stack trace.
 */
import type { CliIo } from './commands/io';
import { UsageError } from './commands/io';
import { AimsError } from '../flows/errors';
import { DataDirLockedError } from '../db/embedded-lock';
import { DatabaseUnusableError } from '../db/schema-version';

type Command = (io: CliIo) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  classify: async () => (await import('./commands/classify')).classifyCommand,
  start: async () => (await import('./commands/start')).startCommand,
  shell: async () => (await import('./commands/shell')).shellCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  migrate: async () => (await import('./commands/migrate')).migrateCommand,
  audit: async () => (await import('./commands/audit')).auditCommand,
  export: async () => (await import('./commands/export')).exportCommand,
  worker: async () => (await import('./commands/worker')).workerCommand,
  jobs: async () => (await import('./commands/jobs')).jobsCommand,
};

const HELP = `usage: aimsbot <command>
  start                     run every adapter whose settings are present (the shell when none)
  shell                     the terminal adapter
  serve                     HTTP adapters only (Slack, Teams)
  worker                    scheduled jobs only
  migrate                   apply database migrations
  classify [file|-]         classify triage answers {"answers": {...}} and print the result JSON
  export inventory|audit|tasks|risks|impact --format csv|json [--out FILE] [--since DATE] [--until DATE] [--ref AI-n]...
                            evidence for auditors; --since/--until: ISO dates or times (UTC),
                            --ref: repeatable or a comma list
  export incidents --format csv|json [--out FILE] [--since DATE] [--until DATE] [--ref AI-n]...
                            incidents with their Art. 26(5)/73 due times, steps and NC
  export soa --format csv|json|md [--draft | --version SoA-n] [--workspace PLATFORM:ID] [--out FILE]
                            the latest approved Statement of Applicability (exit 3 when none is
                            approved yet), or the current draft with --draft
  export controls --format csv|json [--workspace PLATFORM:ID] [--out FILE]
                            the control register as it stands
  export fria <ref> [--out FILE.md] [--json] [--workspace ID]
                            the Art. 27 FRIA of one system: Markdown on standard output, or
                            FILE.md with FILE.json beside it; --json prints the JSON instead
  export audit-report <IA-YYYY-n> [--out FILE.md] [--workspace ID]
                            the report of an internal audit as Markdown; the first one moves the
                            audit to reported
  export audits --format csv|json [--workspace ID] [--out FILE]
                            every internal audit, one row per finding (audits without findings too)
  audit verify [--checkpoint <seq>:<hash>]
                            recompute the audit hash chains (HMAC with AIMS_AUDIT_KEY) and compare
                            them with every published checkpoint, or with one copied from chat
  audit checkpoint          publish each workspace's audit head to its digest channel and record it
  jobs run review-reminders|approval-reminders|weekly-digest|task-reminders|nc-reminders [--at ISO-8601] [--dry-run]
                            run one job as of --at (audit events keep the real time);
                            --dry-run prints what would be sent and writes nothing`;

/** Runs one command and returns its exit code. */
export async function runCli(io: CliIo): Promise<number> {
  const [name, ...rest] = io.argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(HELP + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`aimsbot: unknown command "${name}"; run "aimsbot help" for the list\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command({ ...io, argv: rest });
  } catch (err) {
    if (err instanceof UsageError || (err instanceof AimsError && (err.code === 'invalid_input' || err.code === 'invalid_policy'))) {
      io.stderr(`aimsbot ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DataDirLockedError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    if (err instanceof DatabaseUnusableError) {
      io.stderr(`aimsbot ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  runCli({
    argv: process.argv.slice(2),
    stdin: process.stdin,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`aimsbot: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
