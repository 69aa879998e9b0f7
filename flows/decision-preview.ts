/**
 * Whether an actor could decide a step right now, without deciding it: lets an adapter refuse
 * before it asks for a reason (reject, request changes). `decideStep` still checks everything
 * again when the decision is made.
 */
import { and, asc, eq } from 'drizzle-orm';
import { approvalRequests, approvalSteps, people } from '../db/schema';
import { personLabel } from './identity';
import type { FlowContext } from './ports';
import type { Refusal } from './results';
import { refuse } from './results';
import { checkCanDecide } from './rules';

/** Null when the actor may decide the step now; otherwise the refusal `decideStep` would give. */
export async function previewDecision(ctx: FlowContext, stepId: number): Promise<Refusal | null> {
  const { db, policy } = ctx.deps;
  const ws = ctx.workspace.id;
  const [step] = await db
    .select()
    .from(approvalSteps)
    .where(and(eq(approvalSteps.id, stepId), eq(approvalSteps.workspaceId, ws)));
  if (!step) return refuse('not_found', 'That approval step does not exist (any more).');
  const [req] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, step.requestId));
  if (!req) return refuse('not_found', 'That approval request does not exist.');
  const steps = await db.select().from(approvalSteps).where(eq(approvalSteps.requestId, req.id)).orderBy(asc(approvalSteps.position));
  if (step.status !== 'pending' && step.decidedById !== null) {
    const [by] = await db.select().from(people).where(eq(people.id, step.decidedById));
    const who = by ? personLabel(by) : 'someone';
    const verb = step.status === 'changes_requested' ? 'requested changes' : step.status;
    return refuse('already_decided', `Already decided: ${who} ${verb} the ${step.role} step.`);
  }
  const refusal = checkCanDecide(policy, step, steps, ctx.actor, req.submittedById);
  if (refusal) return refuse(refusal.code, refusal.message);
  if (req.status !== 'pending' && req.status !== 'blocked') {
    return refuse('closed', `This request is already closed (${req.status.replace('_', ' ')}); nothing was changed.`);
  }
  return null;
}
