/**
 * Checkpoints: the audit head published outside the database, in the compliance (digest)
 * channel, so that a rewrite of the chain by someone who can write to the database still shows
 * (`audit verify` compares the chain with every recorded checkpoint, or with a value copied from
 * chat). Recording a checkpoint is itself an audit event; the deliverer fills in where it was
 * posted once the post succeeds.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditCheckpoints, workspaces } from '../db/schema';
import { appendAudit } from './audit';
import type { CheckpointView } from './audit-checkpoint-view';
import { checkpointText } from './audit-checkpoint-view';
import { enqueue } from './outbox';
import type { FlowDeps } from './ports';

export type { CheckpointView, CheckpointRecord } from './audit-checkpoint-view';
export { checkpointLabel, checkpointText, postedWhere, verifyCommandFor } from './audit-checkpoint-view';

/** Notification kind of a checkpoint published on its own (`aimsbot audit checkpoint`). */
export const CHECKPOINT_KIND = 'audit.checkpoint';

/** Payload of `audit.checkpoint` → `{channel: 'digest'}`. */
export interface CheckpointPayload {
  [key: string]: unknown;
  checkpoint: CheckpointView;
  /** Plain-text rendering. */
  text: string;
}

/** Why a checkpoint was recorded. */
export type CheckpointSource = 'weekly-digest' | 'command';

/** A stored checkpoint. */
export type CheckpointRow = typeof auditCheckpoints.$inferSelect;

/** Where a checkpoint was posted. */
export interface PostedLocation {
  platform: 'slack' | 'teams' | 'shell';
  /** Slack channel id or Teams conversation id. */
  conversationId: string;
  /** Slack message ts or Teams activity id; null where there is none (the shell). */
  messageId: string | null;
}

/**
 * Records a checkpoint of a workspace's current head and its `audit.checkpoint` event. Runs
 * inside the caller's transaction; returns null when the workspace has no events yet.
 */
export async function recordCheckpoint(
  tx: Db,
  input: { workspaceId: number; at: Date; source: CheckpointSource },
): Promise<CheckpointView | null> {
  const [head] = await tx
    .select({ seq: workspaces.auditSeq, hash: workspaces.auditHash })
    .from(workspaces)
    .where(eq(workspaces.id, input.workspaceId))
    .for('update');
  if (!head || head.seq === 0 || !head.hash) return null;
  const [row] = await tx
    .insert(auditCheckpoints)
    .values({ workspaceId: input.workspaceId, seq: head.seq, hash: head.hash, source: input.source, createdAt: input.at })
    .returning();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: 'system',
    action: 'audit.checkpoint',
    subjectType: 'audit_checkpoint',
    subjectId: row!.id,
    data: { seq: head.seq, hash: head.hash, source: input.source },
    at: input.at,
  });
  return { id: row!.id, workspaceId: input.workspaceId, seq: head.seq, hash: head.hash, createdAt: input.at.toISOString() };
}

/**
 * `aimsbot audit checkpoint`: records a checkpoint of every workspace that has events and
 * queues its post to the workspace's digest channel. Returns the checkpoints recorded.
 */
export async function publishCheckpoints(deps: FlowDeps): Promise<CheckpointView[]> {
  const spaces = await deps.db.select({ id: workspaces.id }).from(workspaces).orderBy(asc(workspaces.id));
  const out: CheckpointView[] = [];
  for (const ws of spaces) {
    const at = deps.clock.now();
    const cp = await deps.db.transaction(async (tx) => {
      const checkpoint = await recordCheckpoint(tx, { workspaceId: ws.id, at, source: 'command' });
      if (!checkpoint) return null;
      const payload: CheckpointPayload = { checkpoint, text: checkpointText(checkpoint) };
      await enqueue(tx, {
        workspaceId: ws.id,
        dedupeKey: `${CHECKPOINT_KIND}:${checkpoint.id}`,
        kind: CHECKPOINT_KIND,
        recipient: { channel: 'digest' },
        payload,
        notBefore: at,
      });
      return checkpoint;
    });
    if (cp) out.push(cp);
  }
  return out;
}

/** Fills in where a checkpoint was posted. Only the first post counts; later calls change nothing. */
export async function checkpointPosted(db: Db, checkpointId: number, where: PostedLocation, at: Date): Promise<void> {
  await db
    .update(auditCheckpoints)
    .set({ postedPlatform: where.platform, postedConversation: where.conversationId, postedMessage: where.messageId, postedAt: at })
    .where(and(eq(auditCheckpoints.id, checkpointId), isNull(auditCheckpoints.postedAt)));
}

/** The checkpoint a notification carries (an `audit.checkpoint`, or a weekly digest), or null. */
export function checkpointOf(payload: unknown): CheckpointView | null {
  const p = (payload ?? {}) as { checkpoint?: unknown; digest?: { checkpoint?: unknown } };
  const c = (p.checkpoint ?? p.digest?.checkpoint) as Partial<CheckpointView> | null | undefined;
  if (!c || typeof c.id !== 'number' || typeof c.seq !== 'number' || typeof c.hash !== 'string') return null;
  return c as CheckpointView;
}

/** Stored checkpoints by id, in id order. */
export async function checkpointsByIds(db: Db, ids: number[]): Promise<CheckpointRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(auditCheckpoints).where(inArray(auditCheckpoints.id, ids)).orderBy(asc(auditCheckpoints.id));
}
