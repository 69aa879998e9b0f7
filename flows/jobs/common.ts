/** What every job shares: its dependencies and what a run reports. */
import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import type { Clock, FlowDeps } from '../ports';
import { systemClock } from '../ports';

/**
 * Dependencies of a job: the database and the policy. The time the rules run at ("as of") is
 * passed as `now`; `clock` is the wall clock that dates the audit events a job writes, so a run
 * as of a simulated time never puts future dates in the trail. Default: the system clock.
 */
export type JobDeps = Pick<FlowDeps, 'db' | 'policy'> & { clock?: Clock | undefined };

/** When a job's audit event happened: the wall clock, never the "as of" time. */
export function auditTime(deps: JobDeps): Date {
  return (deps.clock ?? systemClock).now();
}

/** What one job run wrote. */
export interface JobReport {
  /** Notifications newly written to the outbox (already-present dedupe keys are not counted). */
  enqueued: number;
  /** Subjects (reviews, steps, workspaces) the run looked at. */
  examined: number;
}

/** Every workspace id, in order. */
export async function allWorkspaces(db: Db): Promise<Array<{ id: number; platform: string; name: string | null }>> {
  return db.select({ id: workspaces.id, platform: workspaces.platform, name: workspaces.name }).from(workspaces).orderBy(asc(workspaces.id));
}

/** `n` with its noun, pluralised. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
