/**
 * `aimsbot jobs run <name> [--at ISO-8601]`: runs one job as of that time (a fixed clock) and
 * delivers what it produced before exiting. Notifications held for later (quiet hours) stay in
 * the outbox for the dispatcher of a running process.
 */
import { and, count, eq, gt } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { Clock } from '../../flows/ports';
import { systemClock } from '../../flows/ports';
import { createCore } from '../app';
import { loadConfig } from '../config';
import { createDispatcherFor } from '../deliverers';
import { isJobName, JOB_HANDLERS, JOB_NAMES } from '../jobs/handlers';
import type { CliIo } from './io';
import { UsageError } from './io';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses `--at`; a date without a zone is read as UTC. */
export function parseAt(text: string): Date {
  const t = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${text}Z` : text;
  const at = new Date(t);
  if (!ISO.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--at: "${text}" is not an ISO-8601 time such as 2026-11-09T09:00:00Z`);
  }
  return at;
}

export async function jobsCommand(io: CliIo): Promise<number> {
  const [sub, name, ...rest] = io.argv;
  if (sub !== 'run') throw new UsageError(`expected "jobs run <name>", got "${io.argv.join(' ') || '(nothing)'}"`);
  if (!name || !isJobName(name)) {
    throw new UsageError(`unknown job "${name ?? ''}"; expected one of ${JOB_NAMES.join(', ')}`);
  }
  let at: Date | null = null;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--at' && rest[i + 1] !== undefined) at = parseAt(rest[++i]!);
    else if (a.startsWith('--at=')) at = parseAt(a.slice(5));
    else throw new UsageError(a === '--at' ? '--at needs a time, e.g. --at 2026-11-09T09:00:00Z' : `unexpected argument "${a}"`);
  }
  const fixed = at;
  const clock: Clock = fixed ? { now: () => new Date(fixed.getTime()) } : systemClock;
  const config = loadConfig(io.env);
  const core = await createCore(config, { clock });
  try {
    const now = clock.now();
    const report = await JOB_HANDLERS[name](core.deps, now);
    io.stdout(`${name} as of ${now.toISOString()}: ${report.enqueued} notification(s) written\n`);
    const dispatcher = await createDispatcherFor(core, (t) => io.stdout(`${t}\n`));
    await dispatcher.drain();
    const [held] = await core.deps.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.status, 'pending'), gt(notifications.notBefore, now)));
    if (held && held.n > 0) io.stdout(`${held.n} notification(s) held for later (quiet hours or retry)\n`);
    return 0;
  } finally {
    await core.close();
  }
}
