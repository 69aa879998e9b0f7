/**
 * The weekly-digest job: one digest per workspace to its digest channel, covering the seven days
 * before `now`. The dedupe key names the workspace and the period's first local date, so the
 * schedule firing twice, or two workers, post one digest per week. Each digest publishes a
 * checkpoint of the workspace's audit head (see audit-checkpoints.ts).
 */
import type { Db } from '../../db/client';
import type { CheckpointView } from '../audit-checkpoint-view';
import { recordCheckpoint } from '../audit-checkpoints';
import { enqueue } from '../outbox';
import type { JobDeps, JobReport } from './common';
import { allWorkspaces } from './common';
import type { WeeklyDigest } from './digest';
import { buildDigest } from './digest';
import { renderDigestText } from './digest-text';
import { inventoryCsv } from './inventory-csv';
import { DAY_MS, localDate, nextAllowedTime } from './time';
import { snapshotMetrics } from '../objectives/metrics';

/** Payload of `digest.weekly` → `{channel: 'digest'}`. */
export interface WeeklyDigestPayload {
  [key: string]: unknown;
  digest: WeeklyDigest;
  /** Plain-text rendering. */
  text: string;
  /**
   * The inventory CSV to attach (as a file where the platform allows): not stored here, it is
   * built at delivery time from the workspace's rows (see {@link digestInventoryCsv}).
   */
  inventoryCsv: { workspaceId: number };
  /** Digests written before `inventoryCsv`: the CSV itself. */
  csv?: string;
  /** Suggested file name for the CSV. */
  csvName: string;
}

/**
 * The inventory CSV a `digest.weekly` payload attaches, built now page by page; null when the
 * payload names none. Deliverers call this instead of reading a CSV from the outbox row.
 */
export async function digestInventoryCsv(db: Db, payload: Partial<WeeklyDigestPayload>): Promise<string | null> {
  if (typeof payload.csv === 'string') return payload.csv || null;
  const ref = payload.inventoryCsv;
  if (!ref || typeof ref !== 'object' || typeof ref.workspaceId !== 'number') return null;
  return inventoryCsv(db, ref.workspaceId);
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
    // This week's measurement of the objectives' metrics, so the digest's trend ends with it.
    await snapshotMetrics(db, ws.id, now, policy);
    const digest = await buildDigest(db, policy, ws.id, start, now);
    const written = await withCheckpoint(db, ws.id, now, async (tx, checkpoint) => {
      digest.checkpoint = checkpoint;
      const payload: WeeklyDigestPayload = {
        digest,
        text: renderDigestText(digest),
        inventoryCsv: { workspaceId: ws.id },
        csvName: `ai-inventory-${localDate(now, policy.organization.timezone)}.csv`,
      };
      return enqueue(tx, {
        workspaceId: ws.id,
        dedupeKey: `digest.weekly:${ws.id}:${day}`,
        kind: 'digest.weekly',
        recipient: { channel: 'digest' },
        payload,
        notBefore,
      });
    });
    if (written) enqueued += 1;
  }
  return { enqueued, examined: spaces.length };
}

class AlreadyQueued extends Error {}

/**
 * Records a checkpoint of the workspace's audit head for the digest and writes the digest, in
 * one transaction. When this week's digest was already written (the job ran twice), the
 * checkpoint is rolled back with it, so each digest publishes exactly one checkpoint.
 */
async function withCheckpoint(
  db: Db,
  workspaceId: number,
  at: Date,
  write: (tx: Db, checkpoint: CheckpointView | null) => Promise<boolean>,
): Promise<boolean> {
  try {
    return await db.transaction(async (tx) => {
      const checkpoint = await recordCheckpoint(tx, { workspaceId, at, source: 'weekly-digest' });
      if (!(await write(tx, checkpoint))) throw new AlreadyQueued();
      return true;
    });
  } catch (err) {
    if (err instanceof AlreadyQueued) return false;
    throw err;
  }
}
