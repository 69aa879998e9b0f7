/**
 * When the last corrective action of a nonconformity is closed (flows/tasks/close.ts), the NC
 * moves to `verifying` with its effectiveness check due `nc.effectivenessAfterDays` later, and
 * its owner is told. Runs in the closing transaction; only an NC still `action_planned` moves,
 * so two actions closed at once move it once.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { nonconformities } from '../../db/schema-improve';
import { appendAudit } from '../audit';
import { localDay } from '../display';
import { DAY_MS } from '../jobs/time';
import { enqueue } from '../outbox';
import type { FlowContext } from '../ports';
import { ncRef } from '../refs';
import type { NcNoticePayload } from './open-nc';
import { actionsComplete, ncActionRows, roundActions } from './view';

/** Moves the NC of a closed corrective action to `verifying` when its round of actions is complete. */
export async function ncActionClosed(tx: Db, ctx: FlowContext, ncId: number, task: string, now: Date): Promise<void> {
  const [nc] = await tx
    .select()
    .from(nonconformities)
    .where(and(eq(nonconformities.id, ncId), eq(nonconformities.workspaceId, ctx.workspace.id), eq(nonconformities.status, 'action_planned')))
    .for('update');
  if (!nc) return;
  if (!actionsComplete(roundActions(nc, await ncActionRows(tx, ctx.workspace.id, nc.id)))) return;
  const { policy } = ctx.deps;
  const due = new Date(now.getTime() + policy.nc.effectivenessAfterDays * DAY_MS);
  await tx
    .update(nonconformities)
    .set({ status: 'verifying', effectivenessDueAt: due, updatedAt: now, lastReminderStage: null, lastRemindedAt: null })
    .where(eq(nonconformities.id, nc.id));
  const ref = ncRef(nc.number);
  await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.actions_done', subjectType: 'nonconformity', subjectId: ref, data: { lastTask: task, effectivenessDueAt: due.toISOString() }, at: now });
  if (nc.ownerId === null) return;
  const day = localDay(due, policy.organization.timezone);
  const payload: NcNoticePayload = {
    ncId: nc.id,
    ref,
    text: `Every corrective action of ${ref} is closed. Check that they worked and verify their effectiveness (effective yes/no) by ${day}: nc ${ref}`,
  };
  await enqueue(tx, { workspaceId: ctx.workspace.id, dedupeKey: `nc.verification_due:${nc.id}:${due.getTime()}`, kind: 'nc.verification_due', recipient: { person: nc.ownerId }, payload, notBefore: now });
}
