/**
 * The weekly-digest job: one digest per workspace to its digest channel, covering the seven days
 * before `now`. The dedupe key names the workspace and the period's first local date, so the
 * schedule firing twice, or two workers, post one digest per week.
 */
import { enqueue } from '../outbox';
import type { JobDeps, JobReport } from './common';
import { allWorkspaces } from './common';
import type { WeeklyDigest } from './digest';
import { buildDigest } from './digest';
import { renderDigestText } from './digest-text';
import { inventoryCsv } from './inventory-csv';
import { DAY_MS, localDate, nextAllowedTime } from './time';

/** Payload of `digest.weekly` → `{channel: 'digest'}`. */
export interface WeeklyDigestPayload {
  [key: string]: unknown;
  digest: WeeklyDigest;
  /** Plain-text rendering. */
  text: string;
  /** The inventory as CSV (attach as a file where the platform allows). */
  csv: string;
  /** Suggested file name for the CSV. */
  csvName: string;
}

/** The length of the digest period. */
export const DIGEST_PERIOD_DAYS = 7;

/** Runs the job as of `now` for every workspace. */
export async function runWeeklyDigest(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const start = new Date(now.getTime() - DIGEST_PERIOD_DAYS * DAY_MS);
  const day = localDate(start, policy.organization.timezone);
  const notBefore = nextAllowedTime(policy, now);
  let enqueued = 0;
  const spaces = await allWorkspaces(db);
  for (const ws of spaces) {
    const digest = await buildDigest(db, policy, ws.id, start, now);
    const payload: WeeklyDigestPayload = {
      digest,
      text: renderDigestText(digest),
      csv: await inventoryCsv(db, ws.id),
      csvName: `ai-inventory-${localDate(now, policy.organization.timezone)}.csv`,
    };
    const written = await enqueue(db, {
      workspaceId: ws.id,
      dedupeKey: `digest.weekly:${ws.id}:${day}`,
      kind: 'digest.weekly',
      recipient: { channel: 'digest' },
      payload,
      notBefore,
    });
    if (written) enqueued += 1;
  }
  return { enqueued, examined: spaces.length };
}
