/**
 * Approval buttons (Universal Actions): approve, reject and request changes, and the refresh that
 * gives each approver their buttons. Flows decide who may act and record exactly one decision;
 * this file turns the outcome into the card the clicking person sees.
 */
import { and, eq } from 'drizzle-orm';
import { approvalSteps } from '../../db/schema';
import type { FlowContext, RequestView } from '../../flows';
import * as flows from '../../flows';
import { loadRequestView } from '../../flows';
import { roleLabel, timezoneOf } from '../../flows/display';
import type { CardJson } from './card-kit';
import { messageCard } from './card-kit';
import type { ApproverView } from './approval-card';
import { approvalCard } from './approval-card';
import type { ApprovalCardOptions } from './approval-card';
import type { Roster } from './people';
import { approverNames, refreshUserIds } from './people';

/** A decision as parsed from the card: our cards carry both ids, a request id alone also works. */
export type DecisionAction = {
  action: 'approval.approve' | 'approval.reject' | 'approval.request_changes';
  stepId?: number | undefined;
  requestId?: number | undefined;
  reason?: string | undefined;
};

/** An approval action as parsed from the card. */
export type ApprovalAction = DecisionAction | { action: 'approval.refresh' | 'approval.open'; requestId: number };

const isDecision = (a: ApprovalAction): a is DecisionAction => a.action in DECISION;

const DECISION = {
  'approval.approve': 'approve',
  'approval.reject': 'reject',
  'approval.request_changes': 'request_changes',
} as const;

const DONE: Record<flows.Decision, string> = { approve: 'approved', reject: 'rejected', request_changes: 'requested changes on' };

async function requestIdOfStep(ctx: FlowContext, stepId: number): Promise<number | null> {
  const [row] = await ctx.deps.db
    .select({ requestId: approvalSteps.requestId })
    .from(approvalSteps)
    .where(and(eq(approvalSteps.id, stepId), eq(approvalSteps.workspaceId, ctx.workspace.id)));
  return row?.requestId ?? null;
}

/** The card of a request as `ctx.actor` should see it: with their buttons if a step waits for them. */
export async function cardForViewer(
  ctx: FlowContext,
  request: RequestView,
  extra: Partial<ApproverView> & { notice?: { text: string; error?: boolean } } = {},
  roster?: Roster,
): Promise<CardJson> {
  const shared = await sharedOptions(ctx, request, roster);
  let approver: ApproverView | undefined;
  if (request.status === 'pending' || request.status === 'blocked') {
    // pendingForMe applies the flows' rules (membership, one step per person, independence).
    // A blocked request is not in it; there the listed approvers may still reject, so the
    // buttons go to them and flows refuse anything else.
    const mine = (await flows.pendingForMe(ctx)).find((i) => i.request.id === request.id);
    const listed = (s: RequestView['steps'][number]) =>
      s.approvers.includes(ctx.actor.platformId) || (!!ctx.actor.email && s.approvers.includes(`email:${ctx.actor.email}`));
    const step =
      request.status === 'blocked'
        ? request.steps.find((s) => s.status === 'pending' && listed(s))
        : request.steps.find((s) => s.id === mine?.stepIds[0]);
    if (step) approver = { step, reason: extra.reason, reasonError: extra.reasonError };
  }
  return approvalCard(request, { ...shared, approver, notice: extra.notice });
}

/**
 * The shared card (no buttons), as posted in the channel and updated in place; `roster` finds the
 * MRIs of approvers no stored reference knows.
 */
export async function sharedApprovalCard(ctx: Pick<FlowContext, 'deps' | 'workspace'>, request: RequestView, roster?: Roster): Promise<CardJson> {
  return approvalCard(request, await sharedOptions(ctx, request, roster));
}

/** What every viewer's card has: who refreshes it, the approvers' names, the policy's time zone. */
async function sharedOptions(ctx: Pick<FlowContext, 'deps' | 'workspace'>, request: RequestView, roster?: Roster): Promise<ApprovalCardOptions> {
  const { db, policy } = ctx.deps;
  return {
    refreshUserIds: await refreshUserIds(db, ctx.workspace.id, request, roster),
    approverNames: await approverNames(db, ctx.workspace.id, request),
    tz: timezoneOf(policy),
  };
}

/** Handles an approval action; returns the card for the person who clicked. */
export async function handleApprovalAction(ctx: FlowContext, action: ApprovalAction, afterChange: () => void, roster?: Roster): Promise<CardJson> {
  const { db, policy } = ctx.deps;
  if (!isDecision(action)) {
    const request = await loadRequestView(db, policy, ctx.workspace.id, action.requestId);
    if (!request) return messageCard('That approval request does not exist (any more).', { error: true });
    return cardForViewer(ctx, request, {}, roster);
  }
  const stepId = action.stepId ?? (await stepOfViewer(ctx, action.requestId!));
  if (stepId === null) return messageCard('That approval request does not exist (any more).', { error: true });
  const decision = DECISION[action.action];
  const reason = action.reason?.trim() ?? '';
  const result = await flows.decideStep(ctx, { stepId, decision, reason: reason || undefined });
  if (result.kind === 'recorded') {
    afterChange();
    const step = result.request.steps.find((s) => s.id === result.stepId);
    return sharedWithNotice(ctx, result.request, `Recorded: you ${DONE[decision]} the ${roleLabel(step?.role ?? '')} step.`, false, roster);
  }
  const requestId = result.request?.id ?? action.requestId ?? (await requestIdOfStep(ctx, stepId));
  const request = result.request ?? (requestId ? await loadRequestView(db, policy, ctx.workspace.id, requestId) : null);
  if (!request) return messageCard(result.message, { error: true });
  if (result.code === 'invalid') {
    const reasonError = result.errors?.find((e) => e.field === 'reason')?.message ?? result.message;
    return cardForViewer(ctx, request, { reason, reasonError, notice: { text: result.message, error: true } }, roster);
  }
  return sharedWithNotice(ctx, request, result.message, true, roster);
}

/**
 * The step an action that names only the request is about: the one waiting for the viewer
 * (flows' pendingForMe), else one they are listed for or decided, else the first still open — so
 * flows' refusal ("already decided", "not yours to decide") is about the right step.
 */
async function stepOfViewer(ctx: FlowContext, requestId: number): Promise<number | null> {
  const waiting = (await flows.pendingForMe(ctx)).find((i) => i.request.id === requestId);
  if (waiting?.stepIds[0] !== undefined) return waiting.stepIds[0];
  const request = await loadRequestView(ctx.deps.db, ctx.deps.policy, ctx.workspace.id, requestId);
  if (!request || request.steps.length === 0) return null;
  const { platformId, email } = ctx.actor;
  const theirs = (s: RequestView['steps'][number]) =>
    s.decidedBy?.platformId === platformId || s.approvers.includes(platformId) || (!!email && s.approvers.includes(`email:${email}`));
  return (request.steps.find(theirs) ?? request.steps.find((s) => s.status === 'pending') ?? request.steps[0]!).id;
}

async function sharedWithNotice(ctx: FlowContext, request: RequestView, text: string, error: boolean, roster?: Roster): Promise<CardJson> {
  return approvalCard(request, { ...(await sharedOptions(ctx, request, roster)), notice: { text, error } });
}
