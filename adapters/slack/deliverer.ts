/**
 * The Slack deliverer of the outbox. It renders from the database at delivery time, records
 * every message it posts and skips copies already recorded, so a retry after a 429 (or a crash
 * half-way) never posts anything twice. A post whose recording failed is found again through its
 * message metadata (post-once.ts). Each attempt sends at most one request per message: the Web
 * API client is told not to retry by itself. The scheduled jobs' kinds (reminders,
 * escalations, the weekly digest) are in job-delivery.ts and digest-delivery.ts.
 */
import { deliverOwnerTransferred } from './catalog/delivery';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Deliverer, DeliveryResult, FlowDeps, OutboxRow, RequestView } from '../../flows';
import { loadRequestViewWithCopies, loadSystemView, messagesOf, recordMessage, slackChannelOf } from '../../flows';
import { slackTeamOf } from './job-targets';
import type { StoredMessage } from '../../flows';
import { deliverManagementReview } from './management-review/delivery';
import { deliverCheckpoint } from './checkpoint-delivery';
import { deliverDigest } from './digest-delivery';
import type { Directory } from './directory';
import type { ReminderFacts } from './job-delivery';
import {
  deliverApprovalEscalation,
  deliverApprovalReminder,
  deliverApprovalStuck,
  deliverReviewEscalation,
  deliverReviewReminder,
  prepareReviewReminders,
} from './job-delivery';
import { slackUserId } from './mrkdwn';
import { postOnce } from './post-once';
import type { SlackMessage } from './render-request';
import { renderOutcome, renderRequestParent, renderStepReply } from './render-request';
import { renderReviewCard } from './render-review';
import { ShownCopies } from './shown-copies';
import { failureOf, isGoneMessage } from './web-errors';
import { deliverRetriagePrompt } from './retriage-delivery';
import { deliverImpactDue } from './impact/delivery';
import { deliverTaskNotification } from './tasks/delivery';
import { deliverRiskNotice } from './risks';
import { deliverDiscoveryNudge } from './discovery/delivery';
import { deliverIncidentNotice } from './incidents';
import { deliverNcNotice } from './improvement';
import { deliverSurveyNotification } from './surveys/delivery';

/** What the deliverer needs. */
export interface SlackDelivererDeps {
  deps: FlowDeps;
  /** A client with `rejectRateLimitedCalls: true` and no retries. */
  client: webApi.WebClient;
  directory: Directory;
  /** Warnings about conversations the app cannot read back (see post-once.ts). */
  logger?: Logger | undefined;
  /** What the approval messages show (shown-copies.ts); one per deliverer when not given. */
  shown?: ShownCopies | undefined;
}

/** Builds the deliverer registered with the dispatcher for platform `slack`. */
export function createSlackDeliverer(d: SlackDelivererDeps): Deliverer {
  d.shown ??= new ShownCopies();
  // What the claimed batches' reminders need, read ahead, by row id (each entry is used once).
  const prepared = new Map<number, ReminderFacts>();
  const deliver: Deliverer = async (row: OutboxRow): Promise<DeliveryResult> => {
    try {
      switch (row.kind) {
        case 'approval.requested':
          return await postRequest(d, row);
        case 'approval.updated':
          return await updateRequestCopies(d, row);
        case 'approval.outcome':
          return await tellSubmitter(d, row);
        case 'review.updated':
          return await updateReviewCopies(d, row);
        case 'review.reminder': {
          const facts = prepared.get(row.id);
          prepared.delete(row.id);
          return await deliverReviewReminder(d, row, facts);
        }
        case 'review.escalation':
          return await deliverReviewEscalation(d, row);
        case 'approval.reminder':
          return await deliverApprovalReminder(d, row);
        case 'approval.escalation':
          return await deliverApprovalEscalation(d, row);
        case 'approval.stuck':
          return await deliverApprovalStuck(d, row);
        case 'digest.weekly':
          return await deliverDigest(d, row);
        case 'audit.checkpoint':
          return await deliverCheckpoint(d, row);
        case 'management_review.pack':
          return await deliverManagementReview(d, row);
        case 'triage.retriage_needed':
          return await deliverRetriagePrompt(d, row);
        case 'impact.due':
          return await deliverImpactDue(d, row);
        case 'risk.assess_prompt':
        case 'risk.acceptance_requested':
          return await deliverRiskNotice(d, row);
        case 'discovery.nudge':
          return await deliverDiscoveryNudge(d, row);
        case 'incident.reported':
          return await deliverIncidentNotice(d, row);
        case 'nc.assigned':
        case 'nc.verification_due':
        case 'nc.reminder':
          return (await deliverNcNotice(d, row))!;
        case 'system.owner_transferred':
          return await deliverOwnerTransferred(d, row);
        default:
          return (await deliverTaskNotification(d, row)) ?? (await deliverSurveyNotification(d, row)) ?? { ok: false, permanent: true, error: `slack: no delivery for ${row.kind}` };
      }
    } catch (err) {
      return failureOf(err);
    }
  };
  deliver.prepare = async (rows) => {
    // A row claimed again is read afresh: facts of an earlier claim never outlive it. The batch
    // still being delivered (the next one is read ahead meanwhile) keeps its own entries.
    for (const row of rows) prepared.delete(row.id);
    // Entries of rows never delivered (a batch given back) are only garbage: bound them.
    if (prepared.size > 10_000) prepared.clear();
    for (const [id, facts] of await prepareReviewReminders(d, rows)) prepared.set(id, facts);
  };
  return deliver;
}

function requestIdOf(row: OutboxRow): number | null {
  const id = (row.payload as Record<string, unknown>).requestId;
  return typeof id === 'number' ? id : null;
}

/** The row's request with its stored copies, read in one statement. */
async function requestOf(d: SlackDelivererDeps, row: OutboxRow): Promise<{ request: RequestView; copies: StoredMessage[] } | null> {
  const id = requestIdOf(row);
  return id === null ? null : loadRequestViewWithCopies(d.deps.db, d.deps.policy, row.workspaceId, id);
}

const gone = (row: OutboxRow): DeliveryResult => ({ ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` });

async function render(d: SlackDelivererDeps, workspaceId: number, r: RequestView, copy: Pick<StoredMessage, 'role' | 'stepId'>): Promise<SlackMessage | null> {
  const tz = d.deps.policy.organization.timezone;
  if (copy.role === 'outcome') {
    // The request's own read has the review date; a view built without it reads the system.
    const next = r.systemNextReviewAt !== undefined ? r.systemNextReviewAt : ((await loadSystemView(d.deps.db, workspaceId, r.systemId))?.nextReviewAt ?? null);
    return renderOutcome(r, next, tz);
  }
  const mentions = await d.directory.mentions(r.steps.flatMap((s) => s.approvers));
  if (copy.role === 'step') {
    const step = r.steps.find((s) => s.id === copy.stepId);
    return step ? renderStepReply(r, step, mentions, tz) : null;
  }
  return renderRequestParent(r, mentions, tz);
}

/**
 * Where a request's thread goes: the policy's approvals channel (the workspace's own, when the
 * policy names one per Slack team), else a DM with the owner.
 */
async function threadChannel(d: SlackDelivererDeps, r: RequestView, workspaceId: number): Promise<{ channel: string; role: 'parent' } | null> {
  const named = d.deps.policy.channels.approvals?.slack;
  const configured = typeof named === 'object' ? slackChannelOf(d.deps.policy, 'approvals', await slackTeamOf(d.deps.db, workspaceId)) : named;
  if (configured) return { channel: configured, role: 'parent' };
  const owner = slackUserId(r.owner.platformId);
  return owner ? { channel: await d.directory.dmChannel(owner), role: 'parent' } : null;
}

/** `approval.requested`: the parent message, then one reply per step; copies already posted are kept. */
async function postRequest(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const found = await requestOf(d, row);
  if (!found) return gone(row);
  const { request: r, copies: existing } = found;
  const post = postOnce(d, row);
  let parent = existing.find((m) => m.role === 'parent');
  if (!parent) {
    const where = await threadChannel(d, r, row.workspaceId);
    if (!where) return { ok: false, permanent: true, error: 'slack: no approvals channel in the policy and the owner is not a Slack user' };
    const msg = (await render(d, row.workspaceId, r, { role: 'parent', stepId: null }))!;
    const posted = await post({ channel: where.channel }, msg);
    d.shown?.remember(posted.channel, posted.ts, msg);
    const copy = { workspaceId: row.workspaceId, subjectType: 'approval_request', subjectId: r.id, platform: 'slack', role: 'parent', conversationId: posted.channel, messageId: posted.ts };
    await recordMessage(d.deps.db, copy, d.deps.clock.now());
    parent = { ...copy, id: 0, threadId: null, stepId: null, createdAt: d.deps.clock.now() };
  }
  for (const step of r.steps) {
    if (existing.some((m) => m.role === 'step' && m.stepId === step.id)) continue;
    const msg = (await render(d, row.workspaceId, r, { role: 'step', stepId: step.id }))!;
    const posted = await post({ channel: parent.conversationId, threadTs: parent.messageId, part: `step:${step.id}` }, msg);
    d.shown?.remember(posted.channel, posted.ts, msg);
    await recordMessage(
      d.deps.db,
      { workspaceId: row.workspaceId, subjectType: 'approval_request', subjectId: r.id, platform: 'slack', role: 'step', conversationId: posted.channel, messageId: posted.ts, threadId: parent.messageId, stepId: step.id },
      d.deps.clock.now(),
    );
  }
  return { ok: true };
}

/** Re-renders every stored copy of a subject and updates it in place. */
async function updateCopies(
  d: SlackDelivererDeps,
  copies: StoredMessage[],
  renderCopy: (c: StoredMessage) => Promise<SlackMessage | null>,
  /** Skip copies that would show what this process last sent them (approval messages only). */
  shown?: ShownCopies,
): Promise<DeliveryResult> {
  for (const copy of copies.filter((c) => c.platform === 'slack')) {
    const msg = await renderCopy(copy);
    if (!msg) continue;
    if (shown?.same(copy.conversationId, copy.messageId, msg)) continue;
    try {
      await d.client.chat.update({ channel: copy.conversationId, ts: copy.messageId, text: msg.text, blocks: msg.blocks });
      shown?.remember(copy.conversationId, copy.messageId, msg);
    } catch (err) {
      shown?.forget(copy.conversationId, copy.messageId);
      // Someone deleted that copy; the others still need the update.
      if (!isGoneMessage(err)) throw err;
    }
  }
  return { ok: true };
}

/** `approval.updated`: every copy (parent, steps, DMs) shows the current state. */
async function updateRequestCopies(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const found = await requestOf(d, row);
  if (!found) return gone(row);
  const { request: r, copies } = found;
  return updateCopies(d, copies, (c) => render(d, row.workspaceId, r, c), d.shown);
}

/** `approval.outcome`: a direct message to the submitter, recorded so later changes update it. */
async function tellSubmitter(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const found = await requestOf(d, row);
  if (!found) return gone(row);
  const { request: r, copies: existing } = found;
  const user = slackUserId(r.submittedBy.platformId);
  if (!user) return { ok: false, permanent: true, error: 'slack: the submitter is not a Slack user' };
  if (existing.some((m) => m.role === 'outcome')) return { ok: true };
  const channel = await d.directory.dmChannel(user);
  const msg = (await render(d, row.workspaceId, r, { role: 'outcome', stepId: null }))!;
  const posted = await postOnce(d, row)({ channel }, msg);
  d.shown?.remember(posted.channel, posted.ts, msg);
  // Recorded by the statement that marks the row sent: one write fewer. Until it lands, a
  // re-claimed row finds this post by its metadata (post-once.ts).
  return {
    ok: true,
    copies: [{ workspaceId: row.workspaceId, subjectType: 'approval_request', subjectId: r.id, platform: 'slack', role: 'outcome', conversationId: posted.channel, messageId: posted.ts }],
  };
}

/** `review.updated`: stored review cards lose their buttons and say what happened. */
async function updateReviewCopies(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as { reviewId?: unknown; systemId?: unknown; status?: unknown };
  if (typeof p.reviewId !== 'number' || typeof p.systemId !== 'number') return gone(row);
  const system = await loadSystemView(d.deps.db, row.workspaceId, p.systemId);
  if (!system) return gone(row);
  const copies = await messagesOf(d.deps.db, row.workspaceId, 'review', p.reviewId);
  const state = typeof p.status === 'string' ? p.status : 'open';
  return updateCopies(d, copies, async () => renderReviewCard(system, d.deps.policy.organization.timezone, state));
}
