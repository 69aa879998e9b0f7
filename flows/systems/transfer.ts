/**
 * Handing a system to another owner (`transfer <ref> <person>`): its owner or compliance may, the
 * change and its audit event (`system.owner_transferred`, from and to) are one transaction, and
 * the new owner is told through the outbox (`system.owner_transferred` {systemId, ref, name,
 * text} → {person: new owner}).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps } from '../../db/schema';
import { appendAudit, auditedTransaction } from '../audit';
import { ensurePerson, personLabel } from '../identity';
import { enqueue } from '../outbox';
import type { ActorInput, FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { SystemView } from '../views';
import { loadSystemView } from '../views';
import { ownedSystem } from './access';

/** Payload of the `system.owner_transferred` notification to the new owner. */
export interface OwnerTransferredPayload {
  systemId: number;
  ref: string;
  name: string;
  /** What to tell the new owner, as plain text. */
  text: string;
}

/** The outcome of a transfer. */
export type TransferResult = { kind: 'transferred'; system: SystemView; from: string; to: string } | Refusal;

/**
 * Makes `to` (a person as the platform names them) the owner of `ref`. Transferring to the
 * current owner changes nothing and says so; a replayed transfer finds it done.
 */
export async function transferOwner(ctx: FlowContext, ref: string, to: ActorInput): Promise<TransferResult> {
  const found = await ownedSystem(ctx, ref, 'transfer it');
  if ('kind' in found) return found;
  const { db, clock } = ctx.deps;
  const ws = ctx.workspace.id;
  const now = clock.now();
  const person = await ensurePerson(db, ws, to, now);
  if (person.id === found.owner.id) return refuse('not_allowed', `${personLabel(person)} already owns ${found.ref}; nothing was changed.`);
  const moved = await auditedTransaction(db, async (tx) => {
    // Only from the owner the check saw: a transfer that raced this one wins, this one says so.
    const rows = await tx
      .update(aiSystems)
      .set({ ownerId: person.id, updatedAt: now })
      .where(and(eq(aiSystems.id, found.id), eq(aiSystems.workspaceId, ws), eq(aiSystems.ownerId, found.owner.id)))
      .returning({ id: aiSystems.id });
    if (!rows.length) return false;
    // A pending owner step of the system's open request is the new owner's to decide now.
    const open = tx
      .select({ id: approvalRequests.id })
      .from(approvalRequests)
      .where(and(eq(approvalRequests.workspaceId, ws), eq(approvalRequests.systemId, found.id), eq(approvalRequests.status, 'pending')));
    const steps = await tx
      .update(approvalSteps)
      .set({ ownerId: person.id })
      .where(and(inArray(approvalSteps.requestId, open), eq(approvalSteps.status, 'pending'), eq(approvalSteps.ownerId, found.owner.id)))
      .returning({ id: approvalSteps.id, requestId: approvalSteps.requestId });
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: 'system.owner_transferred',
      subjectType: 'ai_system',
      subjectId: found.id,
      data: { ref: found.ref, from: found.owner.platformId, to: person.platformId, ...(steps.length ? { ownerSteps: steps.map((st) => st.id) } : {}) },
      at: now,
    });
    for (const st of steps) {
      // The request's posted copies show the new owner as the one to decide.
      await enqueue(tx, {
        workspaceId: ws,
        dedupeKey: `approval.updated:${st.requestId}:owner-${person.id}:${now.getTime()}`,
        kind: 'approval.updated',
        recipient: { copiesOf: { subjectType: 'approval_request', subjectId: st.requestId } },
        payload: { requestId: st.requestId, stepId: st.id },
        notBefore: now,
      });
    }
    const by = ctx.actor.id === person.id ? 'You took over' : `${personLabel(ctx.actor)} made you the owner of`;
    const text = `${by} ${found.ref} "${found.name}" (previously owned by ${found.owner.name}). See it with: show ${found.ref}`;
    const payload: OwnerTransferredPayload = { systemId: found.id, ref: found.ref, name: found.name, text };
    await enqueue(tx, {
      workspaceId: ws,
      dedupeKey: `system.owner_transferred:${found.id}:${found.owner.id}:${person.id}:${now.getTime()}`,
      kind: 'system.owner_transferred',
      recipient: { person: person.id },
      payload: { ...payload },
      notBefore: now,
    });
    return true;
  });
  const system = (await loadSystemView(db, ws, found.id))!;
  if (!moved) return refuse('already_decided', `The owner of ${found.ref} changed meanwhile; it is now owned by ${system.owner.name}. Nothing was changed.`);
  return { kind: 'transferred', system, from: found.owner.name, to: system.owner.name };
}
