/**
 * Approval requests and decisions. A decision locks its request row, so double clicks, platform
 * retries and two approvers racing are serialised: exactly one is recorded, and the late actor
 * is told what already happened.
 */
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, assessments, people, reviews } from '../db/schema';
import { appendAudit, auditedTransaction, enqueueWithAudit } from './audit';
import type { FlowContext, Person } from './ports';
import type { Policy } from './policy';
import { personLabel } from './identity';
import type { Refusal } from './results';
import { refuse } from './results';
import type { StepFacts } from './rules';
import { checkCanDecide, isStepApprover, INDEPENDENT_ROLES } from './rules';
import type { Classification } from './triage/types';
import type { RequestView } from './views';
import { loadRequestView, parseSystemRef } from './views';
import { cleanMultiline } from './triage/text';
import type { StuckReason } from './deciders';
import { analyseDeciders, membersInPlay, peopleIndex, stuckReasonText } from './deciders';
import { REQUEST_STATUS_LABEL, roleLabel, localDateTime } from './display';
import { afterApproved } from './lifecycle';

/** A decision on one step. */
export type Decision = 'approve' | 'reject' | 'request_changes';

const STEP_STATUS: Record<Decision, 'approved' | 'rejected' | 'changes_requested'> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'changes_requested',
};

/** The result of a decision. */
export type DecideResult =
  | { kind: 'recorded'; request: RequestView; stepId: number; outcome: RequestView['status'] }
  | Refusal;

/** Maximum length of a decision reason, in characters. */
export const REASON_MAX = 1000;

const DAY_MS = 86_400_000;

/**
 * Opens an approval request for an assessment, inside the caller's transaction: one step per
 * approver role. A prohibited classification opens it `blocked` (nothing can approve it).
 */
export async function openApprovalRequest(
  tx: Db,
  ctx: FlowContext,
  system: { id: number; ownerId: number },
  assessmentId: number,
  result: Classification,
): Promise<number> {
  const opened = await openApprovalRequestDeferred(tx, ctx, system, assessmentId, result);
  await opened.route();
  return opened.requestId;
}

/**
 * {@link openApprovalRequest} in two parts: the request, its steps and its notification now;
 * `route()` — steps nobody can decide sent to their fallback, or reported stuck, naming the
 * system by its `AI-<n>` — when the caller says, in the same transaction. Registration opens the
 * request before its system has a number (the number is taken last, under the workspace lock)
 * and routes once it has one.
 */
export async function openApprovalRequestDeferred(
  tx: Db,
  ctx: FlowContext,
  system: { id: number; ownerId: number },
  assessmentId: number,
  result: Classification,
): Promise<{ requestId: number; route: () => Promise<void> }> {
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  const blocked = result.riskClass === 'prohibited';
  // Any earlier open request of this system is superseded by the new one.
  await tx
    .update(approvalRequests)
    .set({ status: 'superseded', decidedAt: now })
    .where(and(eq(approvalRequests.systemId, system.id), eq(approvalRequests.workspaceId, ws), eq(approvalRequests.status, 'pending')));
  const [req] = await tx
    .insert(approvalRequests)
    .values({
      workspaceId: ws,
      systemId: system.id,
      assessmentId,
      status: blocked ? 'blocked' : 'pending',
      submittedById: ctx.actor.id,
      createdAt: now,
    })
    .returning({ id: approvalRequests.id });
  const requestId = req!.id;
  // A blocked request waits for compliance alone (confirm the block, or send it back when the
  // answers were wrong); the other steps have nothing to decide, so they are closed at once.
  const stepRows = await tx
    .insert(approvalSteps)
    .values(
      result.approvers.map((role, i) => ({
        workspaceId: ws,
        requestId,
        position: i + 1,
        role,
        groupName: role === 'owner' ? null : role,
        ownerId: role === 'owner' ? system.ownerId : null,
        status: blocked && role !== 'compliance' ? 'cancelled' : 'pending',
        createdAt: now,
      })),
    )
    .returning();
  await tx
    .update(aiSystems)
    // A prohibited system is never reviewed: it must not be used at all.
    .set({ status: blocked ? 'blocked' : 'pending_approval', updatedAt: now, ...(blocked ? { nextReviewAt: null } : {}) })
    .where(eq(aiSystems.id, system.id));
  if (blocked) {
    await tx.update(reviews).set({ status: 'superseded' }).where(and(eq(reviews.systemId, system.id), eq(reviews.status, 'open')));
  }
  await appendAudit(tx, {
    workspaceId: ws,
    actor: ctx.actor.platformId,
    action: blocked ? 'approval.blocked' : 'approval.requested',
    subjectType: 'approval_request',
    subjectId: requestId,
    data: { systemId: system.id, assessmentId, riskClass: result.riskClass, steps: result.approvers },
    at: now,
  });
  // Who may decide each step is read now; anything to write about it waits for `route()`.
  const routing = await analyseRouting(tx, ctx, stepRows);
  await enqueueWithAudit(tx, {
    workspaceId: ws,
    dedupeKey: `approval.requested:${requestId}`,
    kind: 'approval.requested',
    recipient: { channel: 'approvals' },
    payload: { requestId },
    notBefore: now,
  });
  let routed = false;
  return {
    requestId,
    route: async () => {
      if (routed) return;
      routed = true;
      await routeUndecidableSteps(tx, ctx, system.id, requestId, stepRows, routing, now);
    },
  };
}

/** Payload of `approval.stuck`, sent to the submitter (`{person}`) and to compliance (`{channel: 'digest'}`). */
export interface ApprovalStuckPayload {
  [key: string]: unknown;
  requestId: number;
  stepId: number;
  role: string;
  /** `AI-<n>` */
  ref: string;
  name: string;
  reason: StuckReason;
  text: string;
}

/**
 * Checks, as a request opens, that every step has someone who may decide it. A step nobody can
 * decide goes to the policy's `approvals.fallback` for its role; without one, the submitter and
 * compliance are told at once (and the weekly digest lists it until it is resolved).
 */
async function analyseRouting(tx: Db, ctx: FlowContext, steps: Array<typeof approvalSteps.$inferSelect>): Promise<ReturnType<typeof analyseDeciders>> {
  const { policy } = ctx.deps;
  const index = await peopleIndex(tx, ctx.workspace.id, membersInPlay(policy, steps));
  return analyseDeciders(policy, ctx.workspace.platform, steps, ctx.actor.id, index);
}

async function routeUndecidableSteps(
  tx: Db,
  ctx: FlowContext,
  systemId: number,
  requestId: number,
  steps: Array<typeof approvalSteps.$inferSelect>,
  found: ReturnType<typeof analyseDeciders>,
  now: Date,
): Promise<void> {
  const ws = ctx.workspace.id;
  if (found.rerouted.size === 0 && found.stuck.length === 0) return;
  const [sys] = await tx.select({ refNumber: aiSystems.refNumber, name: aiSystems.name }).from(aiSystems).where(eq(aiSystems.id, systemId));
  const ref = `AI-${sys!.refNumber}`;
  for (const [stepId, fallback] of found.rerouted) {
    const step = steps.find((s) => s.id === stepId)!;
    await tx.update(approvalSteps).set({ groupName: fallback, ownerId: null }).where(eq(approvalSteps.id, stepId));
    await appendAudit(tx, {
      workspaceId: ws,
      actor: 'system',
      action: 'step.fallback',
      subjectType: 'approval_step',
      subjectId: stepId,
      data: { requestId, role: step.role, from: step.groupName ?? 'owner', to: fallback },
      at: now,
    });
  }
  for (const s of found.stuck) {
    const step = steps.find((x) => x.id === s.stepId)!;
    const why = stuckReasonText(s.reason, s.role, step.groupName ?? s.role);
    const fix = `add a member to groups.${step.groupName ?? s.role} or set approvals.fallback.${s.role} in the policy`;
    await appendAudit(tx, {
      workspaceId: ws,
      actor: 'system',
      action: 'approval.stuck',
      subjectType: 'approval_step',
      subjectId: s.stepId,
      data: { requestId, role: s.role, reason: s.reason },
      at: now,
    });
    const base = { requestId, stepId: s.stepId, role: s.role, ref, name: sys!.name, reason: s.reason };
    const forSubmitter: ApprovalStuckPayload = {
      ...base,
      text: `Nobody can decide the ${roleLabel(s.role)} step of ${ref} "${sys!.name}": ${why}. Compliance has been told; until someone can decide it, the request waits.`,
    };
    const forCompliance: ApprovalStuckPayload = {
      ...base,
      text: `Approval stuck: nobody can decide the ${roleLabel(s.role)} step of ${ref} "${sys!.name}": ${why}. To unblock it, ${fix}.`,
    };
    await enqueueWithAudit(tx, { workspaceId: ws, dedupeKey: `approval.stuck:${s.stepId}:submitter`, kind: 'approval.stuck', recipient: { person: ctx.actor.id }, payload: forSubmitter, notBefore: now });
    await enqueueWithAudit(tx, { workspaceId: ws, dedupeKey: `approval.stuck:${s.stepId}:compliance`, kind: 'approval.stuck', recipient: { channel: 'digest' }, payload: forCompliance, notBefore: now });
  }
}

/** Decides one step, and answers with the request as it now stands. */
export async function decideStep(
  ctx: FlowContext,
  input: { stepId: number; decision: Decision; reason?: string | undefined },
): Promise<DecideResult> {
  const r = await recordDecision(ctx, input);
  if (r.kind !== 'recorded') return r;
  const request = (await loadRequestView(ctx.deps.db, ctx.deps.policy, ctx.workspace.id, r.requestId))!;
  return { kind: 'recorded', request, stepId: r.stepId, outcome: request.status };
}

/**
 * Decides one step without reading the request back: for a caller that answers only a refusal
 * (a Slack button, whose thread the outbox updates), two statements fewer per decision.
 */
export async function recordDecision(
  ctx: FlowContext,
  input: { stepId: number; decision: Decision; reason?: string | undefined },
): Promise<{ kind: 'recorded'; requestId: number; stepId: number; outcome: RequestView['status'] } | Refusal> {
  const { db, policy, clock } = ctx.deps;
  const ws = ctx.workspace.id;
  const reason = cleanMultiline(input.reason ?? '').trim();
  if (input.decision !== 'approve' && reason.length === 0) {
    return refuse('invalid', 'A reason is required to reject or request changes.', {
      errors: [{ field: 'reason', message: 'A reason is required to reject or request changes.' }],
    });
  }
  if (reason.length > REASON_MAX) {
    return refuse('invalid', `The reason is too long (${reason.length} characters; at most ${REASON_MAX}).`, {
      errors: [{ field: 'reason', message: `At most ${REASON_MAX} characters.` }],
    });
  }
  const outcome = await auditedTransaction(db, async (tx) => {
    // One statement finds the step's request and locks its system row first, as review actions
    // do: a decision racing a retirement of the same system then waits instead of deadlocking.
    const [stepRow] = await tx
      .select({ requestId: approvalSteps.requestId, systemId: approvalRequests.systemId })
      .from(approvalSteps)
      .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
      .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
      .where(and(eq(approvalSteps.id, input.stepId), eq(approvalSteps.workspaceId, ws)))
      .for('update', { of: aiSystems });
    if (!stepRow) return { refusal: refuse('not_found', 'That approval step does not exist (any more).') };
    // The request (locked) with the assessment its decision is taken on, in one round trip.
    const [found] = await tx
      .select({ req: approvalRequests, assessment: assessments })
      .from(approvalRequests)
      .innerJoin(assessments, eq(assessments.id, approvalRequests.assessmentId))
      .where(and(eq(approvalRequests.id, stepRow.requestId), eq(approvalRequests.workspaceId, ws)))
      .for('update', { of: approvalRequests });
    const req = found?.req;
    const steps = await tx
      .select()
      .from(approvalSteps)
      .where(eq(approvalSteps.requestId, stepRow.requestId))
      .orderBy(asc(approvalSteps.position));
    const step = steps.find((s) => s.id === input.stepId)!;
    if (!req) return { refusal: refuse('not_found', 'That approval request does not exist.') };
    const gate = gateDecision(policy, req, step, steps, ctx.actor, input.decision);
    if (gate === 'already' || gate === 'closed') return { refusal: gate, requestId: req.id };
    if (gate) return { refusal: gate };

    const now = clock.now();
    const assessment = found.assessment;
    const status = STEP_STATUS[input.decision];
    const updated = await tx
      .update(approvalSteps)
      .set({
        status,
        decidedById: ctx.actor.id,
        decidedAt: now,
        reason: reason || null,
        assessmentSnapshot: {
          assessmentId: assessment!.id,
          version: assessment!.version,
          answers: assessment!.answers,
          result: assessment!.result,
        },
      })
      .where(and(eq(approvalSteps.id, step.id), eq(approvalSteps.status, 'pending')))
      .returning({ id: approvalSteps.id });
    if (updated.length === 0) return { refusal: 'already' as const, requestId: req.id };
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: `step.${status}`,
      subjectType: 'approval_step',
      subjectId: step.id,
      data: { requestId: req.id, role: step.role, reason: reason || null, assessmentVersion: assessment!.version },
      at: now,
    });

    const newStatus = requestOutcome(
      req.status,
      steps.map((s) => (s.id === step.id ? status : s.status)),
    );
    // Compliance confirming a block closes the request too: the submitter hears it is final.
    if (newStatus !== req.status || (req.status === 'blocked' && status === 'rejected')) {
      await closeRequest(tx, ctx, req, assessment, newStatus, now, step.id);
    }
    await enqueueWithAudit(tx, {
      workspaceId: ws,
      dedupeKey: `approval.updated:${req.id}:${step.id}`,
      kind: 'approval.updated',
      recipient: { copiesOf: { subjectType: 'approval_request', subjectId: req.id } },
      payload: { requestId: req.id, stepId: step.id },
      notBefore: now,
    });
    return { requestId: req.id, stepId: step.id, newStatus };
  });

  if ('refusal' in outcome) {
    if (typeof outcome.refusal === 'object') return outcome.refusal;
    const request = (await loadRequestView(db, policy, ws, outcome.requestId!))!;
    if (outcome.refusal === 'already') {
      const s = request.steps.find((x) => x.id === input.stepId)!;
      return refuse('already_decided', alreadyDecidedMessage(s.role, s.status, s.decidedBy?.name ?? null, s.decidedAt, policy.organization.timezone), { request });
    }
    return refuse('closed', closedMessage(request.status), { request });
  }
  return { kind: 'recorded', requestId: outcome.requestId, stepId: outcome.stepId, outcome: outcome.newStatus };
}

/**
 * The first rule a decision on `step` breaks, in the order people expect to hear them; null when
 * it may go ahead. `already` and `closed` are answered with the request as it stands.
 */
export function gateDecision(
  policy: Policy,
  req: { status: string; submittedById: number },
  step: StepFacts,
  steps: StepFacts[],
  actor: Person,
  decision?: Decision,
): Refusal | 'already' | 'closed' | null {
  if (step.status !== 'pending' && step.decidedById !== null) return 'already';
  const refusal = checkCanDecide(policy, step, steps, actor, req.submittedById);
  if (refusal) return refuse(refusal.code, refusal.message);
  if (req.status === 'blocked') {
    // Only compliance acts on a prohibited system (triage.md "Overrides"): it confirms the block
    // (reject) or, for answers given by mistake, sends it back for changes.
    if (step.role !== 'compliance') {
      return refuse(
        'blocked',
        'This system is classified as prohibited (EU AI Act Art. 5): it cannot be approved, and only compliance acts on it — confirming the block or sending it back for changes.',
      );
    }
    if (decision === 'approve') {
      return refuse('blocked', 'This system is classified as prohibited (EU AI Act Art. 5): it cannot be approved. Confirm the block by rejecting it, or send it back for changes.');
    }
  }
  if (req.status !== 'pending' && req.status !== 'blocked') return 'closed';
  return null;
}

/** What the late actor is told: who decided the step, how and when. */
export function alreadyDecidedMessage(role: string, status: string, by: string | null, at: Date | null, tz = 'UTC'): string {
  const when = at ? ` on ${localDateTime(at, tz)}` : '';
  const verb = status === 'changes_requested' ? 'requested changes on' : status;
  return `Already decided: ${by ?? 'someone'} ${verb} the ${role.replace(/_/g, ' ')} step${when}.`;
}

function closedMessage(status: string): string {
  const label = REQUEST_STATUS_LABEL[status as RequestView['status']] ?? status.replace(/_/g, ' ');
  return `This request is already closed (${label}); nothing was changed.`;
}

/**
 * Whether the actor could make this decision on a step now, without making it: lets an adapter
 * refuse before it asks for a reason. `decideStep` checks everything again when it decides.
 */
export async function previewDecision(ctx: FlowContext, stepId: number, decision?: Decision): Promise<Refusal | null> {
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
  const gate = gateDecision(policy, req, step, steps, ctx.actor, decision);
  if (gate === 'already') {
    const [by] = step.decidedById !== null ? await db.select().from(people).where(eq(people.id, step.decidedById)) : [];
    return refuse('already_decided', alreadyDecidedMessage(step.role, step.status, by ? personLabel(by) : null, step.decidedAt, policy.organization.timezone));
  }
  if (gate === 'closed') return refuse('closed', closedMessage(req.status));
  return gate;
}

/** The request's status after a step changed: rejected or changes at once, approved when all approve. */
export function requestOutcome(current: string, stepStatuses: string[]): RequestView['status'] {
  if (stepStatuses.includes('rejected')) return current === 'blocked' ? 'blocked' : 'rejected';
  if (stepStatuses.includes('changes_requested')) return 'changes_requested';
  if (current === 'blocked') return 'blocked';
  if (stepStatuses.every((s) => s === 'approved')) return 'approved';
  return current as RequestView['status'];
}

async function closeRequest(
  tx: Db,
  ctx: FlowContext,
  req: typeof approvalRequests.$inferSelect,
  assessment: typeof assessments.$inferSelect,
  status: RequestView['status'],
  now: Date,
  decisiveStepId: number,
): Promise<void> {
  const ws = ctx.workspace.id;
  await tx.update(approvalRequests).set({ status, decidedAt: now }).where(eq(approvalRequests.id, req.id));
  await tx
    .update(approvalSteps)
    .set({ status: 'cancelled' })
    .where(and(eq(approvalSteps.requestId, req.id), eq(approvalSteps.status, 'pending')));
  // The assessment the decision was taken on is the request's own: no need to read it again.
  const result = assessment.result as Classification;
  const systemPatch: Partial<typeof aiSystems.$inferInsert> = { status, updatedAt: now };
  let nextReviewAt: Date | null = null;
  if (status === 'approved' && result.reviewIntervalDays !== null) {
    nextReviewAt = new Date(now.getTime() + result.reviewIntervalDays * DAY_MS);
    systemPatch.nextReviewAt = nextReviewAt;
    await tx
      .update(reviews)
      .set({ status: 'superseded' })
      .where(and(eq(reviews.systemId, req.systemId), eq(reviews.status, 'open')));
    await tx.insert(reviews).values({ workspaceId: ws, systemId: req.systemId, dueAt: nextReviewAt, status: 'open', createdAt: now });
  }
  if (status === 'blocked') delete systemPatch.status;
  await tx.update(aiSystems).set(systemPatch).where(eq(aiSystems.id, req.systemId));
  if (status === 'approved') await afterApproved({ tx, ctx, systemId: req.systemId, now });
  await appendAudit(tx, {
    workspaceId: ws,
    actor: ctx.actor.platformId,
    action: `request.${status}`,
    subjectType: 'approval_request',
    subjectId: req.id,
    data: { systemId: req.systemId, nextReviewAt: nextReviewAt?.toISOString() ?? null },
    at: now,
  });
  await enqueueWithAudit(tx, {
    workspaceId: ws,
    dedupeKey: `approval.outcome:${req.id}:${status}`,
    kind: 'approval.outcome',
    recipient: { person: req.submittedById },
    // The step whose decision settled the request: its decider and reason are what the submitter is told.
    payload: { requestId: req.id, status, stepId: decisiveStepId },
    notBefore: now,
  });
}

/**
 * Decides the step of a system's open request that `actor` may decide (for text commands such
 * as `/aims approve AI-3`): the owner step for the owner, else the first group step they belong to.
 */
export async function decideForSystem(
  ctx: FlowContext,
  ref: string,
  decision: Decision,
  reason?: string,
): Promise<DecideResult> {
  const { db, policy } = ctx.deps;
  const ws = ctx.workspace.id;
  const n = parseSystemRef(ref);
  if (n === null) return refuse('invalid', `"${ref}" is not a system reference; use the form AI-12.`);
  const [req] = await db
    .select({ id: approvalRequests.id, submittedById: approvalRequests.submittedById, status: approvalRequests.status })
    .from(approvalRequests)
    .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
    .where(and(eq(approvalRequests.workspaceId, ws), eq(aiSystems.refNumber, n), ne(approvalRequests.status, 'superseded')))
    .orderBy(desc(approvalRequests.id))
    .limit(1);
  if (!req) return refuse('not_found', `AI-${n} has no approval request.`);
  const steps = await db.select().from(approvalSteps).where(eq(approvalSteps.requestId, req.id)).orderBy(asc(approvalSteps.position));
  const mine = steps.filter((s) => isStepApprover(policy, s, ctx.actor));
  if (mine.length === 0) {
    return refuse('not_authorised', `None of the steps of AI-${n} is yours to decide.`);
  }
  // Prefer a step the actor may decide now; otherwise report on the first of theirs.
  const open = mine.filter((s) => s.status === 'pending');
  const decidable = open.find((s) => !checkCanDecide(policy, s, steps, ctx.actor, req.submittedById));
  const pick =
    decidable ??
    open.find((s) => !(req.submittedById === ctx.actor.id && INDEPENDENT_ROLES.has(s.role))) ??
    open[0] ??
    mine.find((s) => s.decidedById !== null) ??
    mine[0]!;
  return decideStep(ctx, { stepId: pick.id, decision, reason });
}
