/** What every job shares: its dependencies and what a run reports. */
import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import type { FlowDeps } from '../ports';

/** Dependencies of a job: the database and the policy (time is passed as `now`). */
export type JobDeps = Pick<FlowDeps, 'db' | 'policy'>;

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
