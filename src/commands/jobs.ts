/**
 * `aimsbot jobs run <name> [--at ISO-8601] [--dry-run]`: runs one job as of that time and
 * delivers what it produced before exiting. Notifications held for later (quiet hours) stay in
 * the outbox for the dispatcher of a running process.
 *
 * `--at` moves only the time the rules run at (and the delivery that follows): audit events are
 * dated by the wall clock and record the simulated time as `asOf`. `--dry-run` prints what would
 * be sent and writes nothing.
 */
import { and, count, eq, gt } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { Clock } from '../../flows/ports';
import { systemClock } from '../../flows/ports';
import { dryRunJob } from '../../flows';
import type { JobDeps } from '../../flows';
import { createCore } from '../app';
import type { Core } from '../app';
import { loadConfig } from '../config';
import { createDeliverers } from '../deliverers';
import { createDispatcher } from '../dispatcher';
import type { JobName } from '../jobs/handlers';
import { isJobName, JOB_HANDLERS, JOB_NAMES } from '../jobs/handlers';
import type { CliIo } from './io';
import { UsageError } from './io';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Usage of `jobs`, for errors and `jobs --help`. */
export const JOBS_USAGE = `jobs run ${JOB_NAMES.join('|')} [--at ISO-8601] [--dry-run]`;

/** Parses `--at`; a date without a zone is read as UTC. */
export function parseAt(text: string): Date {
  const t = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${text}Z` : text;
  const at = new Date(t);
  if (!ISO.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--at: "${text}" is not an ISO-8601 time such as 2026-11-09T09:00:00Z`);
  }
  return at;
}

/** The parsed arguments of `jobs run`. */
export interface JobsArgs {
  name: JobName;
  /** The simulated "as of" time, or null for now. */
  at: Date | null;
  dryRun: boolean;
}

/** Parses `run <name> [--at T] [--dry-run]`. */
export function parseJobsArgs(argv: string[]): JobsArgs {
  const [sub, name, ...rest] = argv;
  if (sub !== 'run') throw new UsageError(`expected "${JOBS_USAGE}", got "${argv.join(' ') || '(nothing)'}"`);
  if (!name || !isJobName(name)) {
    throw new UsageError(`unknown job "${name ?? ''}"; expected one of ${JOB_NAMES.join(', ')}`);
  }
  let at: Date | null = null;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--at' && rest[i + 1] !== undefined) at = parseAt(rest[++i]!);
    else if (a.startsWith('--at=')) at = parseAt(a.slice(5));
    else if (a === '--dry-run') dryRun = true;
    else throw new UsageError(a === '--at' ? '--at needs a time, e.g. --at 2026-11-09T09:00:00Z' : `unexpected argument "${a}"`);
  }
  return { name, at, dryRun };
}

export async function jobsCommand(io: CliIo): Promise<number> {
  if (io.argv[0] === '--help' || io.argv[0] === 'help') {
    io.stdout(`usage: aimsbot ${JOBS_USAGE}\n`);
    return 0;
  }
  const { name, at, dryRun } = parseJobsArgs(io.argv);
  const config = loadConfig(io.env);
  // The core keeps the wall clock: whatever it records (audit events) is dated by it.
  const core = await createCore(config, { clock: systemClock });
  try {
    const asOf = at ?? systemClock.now();
    const deps: JobDeps = core.deps;
    if (dryRun) {
      const { planned } = await dryRunJob(deps, JOB_HANDLERS[name], asOf);
      io.stdout(`${name} as of ${asOf.toISOString()} (dry run): ${planned.length} notification(s) would be sent; nothing was written\n`);
      for (const p of planned) io.stdout(`would send ${p.kind} to ${p.recipient}: ${p.subject}\n`);
      return 0;
    }
    const report = await JOB_HANDLERS[name](deps, asOf);
    io.stdout(`${name} as of ${asOf.toISOString()}: ${report.enqueued} notification(s) written\n`);
    await deliverAsOf(core, asOf, io);
    return 0;
  } finally {
    await core.close();
  }
}

/** Delivers what is due as of the simulated time (quiet hours included), then says what waits. */
async function deliverAsOf(core: Core, asOf: Date, io: CliIo): Promise<void> {
  const fixed: Clock = { now: () => new Date(asOf.getTime()) };
  const deliverers = await createDeliverers(core, (t) => io.stdout(`${t}\n`));
  const dispatcher = createDispatcher({ ...core.deps, clock: fixed }, core.logger);
  for (const [platform, deliverer] of Object.entries(deliverers)) dispatcher.register(platform as keyof typeof deliverers, deliverer!);
  await dispatcher.drain();
  const [held] = await core.deps.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), gt(notifications.notBefore, asOf)));
  if (held && held.n > 0) io.stdout(`${held.n} notification(s) held for later (quiet hours or retry)\n`);
}
