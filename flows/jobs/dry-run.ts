/**
 * A job run that writes nothing: the job runs as usual inside one transaction that is rolled
 * back, and what it would have written to the outbox is read back first. So a dry run follows
 * exactly the rules of a real run, and leaves no outbox rows, audit events or counters behind.
 */
import { gt, inArray, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { notifications, people, workspaces } from '../../db/schema';
import type { JobDeps, JobReport } from './common';

/** One notification a run would send. */
export interface PlannedNotification {
  kind: string;
  /** `alice (shell:alice)` for a person, `#approvals` for a channel. */
  recipient: string;
  /** What it is about: `AI-3 "CV Screener"`, or the digest's period. */
  subject: string;
  dedupeKey: string;
}

/** What a dry run found. */
export interface DryRun {
  report: JobReport;
  planned: PlannedNotification[];
}

/** Thrown to roll the dry run's transaction back once the plan is read. */
class DryRunDone extends Error {
  constructor(readonly result: DryRun) {
    super('dry run: rolled back');
  }
}

/** Serialization failures (a row changed under the snapshot) are retried this many times. */
const ATTEMPTS = 3;

/** Runs `job` as of `now` and returns what it would send, writing nothing. */
export async function dryRunJob(deps: JobDeps, job: (deps: JobDeps, now: Date) => Promise<JobReport>, now: Date): Promise<DryRun> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      // Repeatable read: every outbox row newer than the snapshot's newest is this run's own.
      await deps.db.transaction(
        async (tx) => {
          const [before] = await tx.select({ id: max(notifications.id) }).from(notifications);
          const report = await job({ ...deps, db: tx }, now);
          const rows = await tx
            .select()
            .from(notifications)
            .where(gt(notifications.id, before?.id ?? 0))
            .orderBy(notifications.id);
          throw new DryRunDone({ report, planned: await describe(tx, deps, rows) });
        },
        { isolationLevel: 'repeatable read' },
      );
    } catch (err) {
      if (err instanceof DryRunDone) return err.result;
      if (attempt < ATTEMPTS && isSerializationFailure(err)) continue;
      throw err;
    }
    throw new Error('dry run: the transaction was not rolled back');
  }
}

function isSerializationFailure(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '40001' || e?.cause?.code === '40001';
}

type Row = typeof notifications.$inferSelect;

/** People looked up per statement when describing a plan. */
const PEOPLE_CHUNK = 10_000;

async function describe(tx: Db, deps: JobDeps, rows: Row[]): Promise<PlannedNotification[]> {
  const personIds = [...new Set(rows.map((r) => (r.recipient as { person?: unknown }).person).filter((p): p is number => typeof p === 'number'))];
  // Chunked: a run at scale names more people than one statement may bind parameters.
  const persons = new Map<number, typeof people.$inferSelect>();
  for (let i = 0; i < personIds.length; i += PEOPLE_CHUNK) {
    for (const p of await tx.select().from(people).where(inArray(people.id, personIds.slice(i, i + PEOPLE_CHUNK)))) persons.set(p.id, p);
  }
  const platforms = new Map((await tx.select({ id: workspaces.id, platform: workspaces.platform }).from(workspaces)).map((w) => [w.id, w.platform]));
  return rows.map((r) => ({
    kind: r.kind,
    recipient: recipientLabel(deps, r, persons, platforms.get(r.workspaceId)),
    subject: subjectOf(r),
    dedupeKey: r.dedupeKey,
  }));
}

function recipientLabel(deps: JobDeps, row: Row, persons: Map<number, typeof people.$inferSelect>, platform: string | undefined): string {
  const to = row.recipient as { person?: number; channel?: 'approvals' | 'digest' };
  if (typeof to.person === 'number') {
    const p = persons.get(to.person);
    return p ? `${p.displayName ?? p.platformId} (${p.platformId})` : `person ${to.person}`;
  }
  if (to.channel) {
    const ref = deps.policy.channels[to.channel];
    const named = platform === 'slack' || platform === 'teams' ? ref?.[platform] : undefined;
    // Channels named per Slack team are shown as the list; the real one depends on the workspace.
    const id = typeof named === 'object' ? Object.entries(named).map(([team, channel]) => `${team}: ${channel}`).join(', ') : named;
    return id ? `#${to.channel} (${id})` : `#${to.channel}`;
  }
  return JSON.stringify(row.recipient);
}

function subjectOf(row: Row): string {
  const p = row.payload as { ref?: unknown; name?: unknown; digest?: { periodLabel?: unknown } };
  if (typeof p.ref === 'string') return typeof p.name === 'string' ? `${p.ref} "${p.name}"` : p.ref;
  if (typeof p.digest?.periodLabel === 'string') return `weekly digest ${p.digest.periodLabel}`;
  return row.dedupeKey;
}
