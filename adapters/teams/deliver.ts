/**
 * The Teams deliverer of the notification outbox. It renders from the current database state at
 * delivery time (so a retried row never shows stale content), posts and updates through
 * continueConversation with stored references, and reports a connector 429 as "retry after".
 * Every post is recorded the moment the connector answers (post-record.ts), so a retried row
 * finds what it already posted.
 */
import { eq } from 'drizzle-orm';
import type { CloudAdapter } from 'botbuilder';
import { people } from '../../db/schema';
import type { Deliverer, DeliveryResult, FlowDeps, OutboxRow, RequestView } from '../../flows';
import { loadRequestView, messagesOf, outcomeOf } from '../../flows';
import { REQUEST_STATUS_LABEL, roleLabel, STEP_STATUS_LABEL, timezoneOf } from '../../flows/display';
import type { Logger } from 'pino';
import { sharedApprovalCard } from './approval-actions';
import type { CardJson } from './card-kit';
import { adaptiveCard, cardAttachment, day, heading, markdown, messageCard, textBlock, words } from './card-kit';
import { findReference, referenceForConversation } from './conversation-refs';
import { deliverCheckpoint } from './checkpoint-delivery';
import { managementReviewById, packCharts, packSummary } from '../../flows';
import type { ReviewPack } from '../../flows';
import { packCard } from './management-review/delivery';
import { createJobDelivery, JOB_KINDS, NOTIFICATION, teamsCopy } from './deliver-jobs';
import { createPostRecorder } from './post-record';
import type { Posted, Ref } from './teams-transport';
import { createTeamsTransport, NoRoute } from './teams-transport';
import { taskClosedSince, taskNotificationCard } from './tasks/delivery';
import { nudgeCard } from './discovery/nudge-card';
import { incidentNoticeCard } from './incidents';
import { ncNoticeCard } from './improvement';
import { enrolTeamsAudience, surveyAnsweredSince, surveyNotificationCard } from './surveys';

/** What the deliverer needs. */
export interface TeamsDelivererOptions {
  adapter: CloudAdapter;
  /** The bot's app id ('' for unauthenticated local testing). */
  appId: string;
  deps: FlowDeps;
  logger: Logger;
  /** Signed links to a management review's files (pdf, md, chart names), or null without a public URL. */
  packLink?: ((workspaceId: number, reviewId: number, file: string) => string | null) | undefined;
}

/** Builds the deliverer. */
export function createTeamsDeliverer(opts: TeamsDelivererOptions): Deliverer {
  const { deps } = opts;
  const { db, policy } = deps;
  const tz = timezoneOf(policy);
  const transport = createTeamsTransport(opts);
  const { send, update, channelRef, createPersonal, sendToPerson } = transport;
  const recorder = createPostRecorder(deps);
  const jobs = createJobDelivery({ deps, transport, recorder, warn: (err, msg) => opts.logger.warn({ err }, msg) });

  /** Whether an earlier attempt of this row already posted and recorded its message. */
  const postedBefore = async (row: OutboxRow) => (await messagesOf(db, row.workspaceId, NOTIFICATION, row.id, { platform: 'teams', role: row.kind })).length > 0;
  /** Posts the one message of `row` and records it against the row. */
  const postOnce = (row: OutboxRow, post: () => Promise<Posted>) =>
    recorder.once(row, row.kind, async () => teamsCopy(row, NOTIFICATION, row.id, row.kind, await post()));

  const postRequest = async (row: OutboxRow, request: RequestView): Promise<void> => {
    const existing = (await messagesOf(db, row.workspaceId, 'approval_request', request.id)).filter((m) => m.platform === 'teams');
    if (existing.length > 0) return; // posted by an earlier attempt
    const ctx = { deps, workspace: { id: row.workspaceId, platform: 'teams' as const, externalId: '' } };
    const card = await sharedApprovalCard(ctx, request, transport.rosterFor(row.workspaceId));
    const activity = { type: 'message', attachments: [cardAttachment(card)] };
    await recorder.once(row, 'card', async () => {
      const channel = await channelRef(row.workspaceId, 'approvals');
      let target: { conversationId: string; ref: Ref; role: string };
      if (channel) {
        target = { conversationId: channel.id, ref: channel.ref, role: 'parent' };
      } else {
        const key = `person:${request.owner.platformId}`;
        const ref = (await findReference(db, row.workspaceId, key)) ?? (await createPersonal(row.workspaceId, request.owner.platformId));
        if (!ref?.conversation?.id) throw new NoRoute(`no approvals channel for Teams in the policy and no chat with the owner ${request.owner.name}`);
        target = { conversationId: ref.conversation.id, ref, role: 'dm' };
      }
      const messageId = await send(target.ref, activity);
      return teamsCopy(row, 'approval_request', request.id, target.role, { conversationId: target.conversationId, messageId });
    });
  };

  const updateCopies = async (workspaceId: number, subjectType: string, subjectId: number, card: CardJson): Promise<void> => {
    const copies = (await messagesOf(db, workspaceId, subjectType, subjectId)).filter((m) => m.platform === 'teams');
    for (const copy of copies) {
      const ref = await referenceForConversation(db, workspaceId, copy.conversationId, copy.role === 'dm');
      if (!ref) continue;
      await update(ref, copy.messageId, card);
    }
  };

  const outcomeCard = (request: RequestView, status: RequestView['status'], stepId: number | undefined): CardJson => {
    // The step that settled it, with its reason; other steps' comments are not the reason.
    const d = outcomeOf(request, status, stepId).decisive;
    const reason = d?.reason;
    const next = status === 'changes_requested' || status === 'rejected' ? markdown`Change it and type **resubmit ${request.systemRef}**.` : null;
    const verb = d ? (STEP_STATUS_LABEL[d.status as keyof typeof STEP_STATUS_LABEL] ?? words(d.status)) : '';
    const by = d?.by ? `${verb.charAt(0).toUpperCase()}${verb.slice(1)} by ${d.by.name} (${roleLabel(d.role)} step) on ${day(d.at, tz)}.` : '';
    return adaptiveCard([
      heading(outcomeHeading(`${request.systemRef} ${request.systemName}`, status)),
      ...(by ? [textBlock(by)] : []),
      ...(reason ? [textBlock(`Reason: "${reason}"`)] : []),
      ...(next ? [textBlock(next)] : []),
    ]);
  };

  /** `management_review.pack`: the pack card in the compliance (digest) channel, once. */
  const deliverPack = async (row: OutboxRow): Promise<DeliveryResult> => {
    const reviewId = (row.payload as Record<string, unknown>).reviewId;
    if (typeof reviewId !== 'number') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
    if (await postedBefore(row)) return { ok: true };
    const review = await managementReviewById(db, row.workspaceId, reviewId);
    if (!review) return { ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` };
    // The card needs the summary and the charts' names only: the files are rendered when a link is opened.
    const pack = review.pack as unknown as ReviewPack;
    const files = { ref: pack.ref, summary: packSummary(pack), charts: packCharts(pack) };
    const card = packCard(files, (file) => opts.packLink?.(row.workspaceId, reviewId, file) ?? null);
    await postOnce(row, async () => {
      const channel = await transport.digestChannel(row.workspaceId);
      const messageId = await send(channel.ref, { type: 'message', summary: `Management review pack ${files.ref}`, attachments: [cardAttachment(card)] });
      return { conversationId: channel.id, messageId, via: 'channel' };
    });
    return { ok: true };
  };

  const deliverRow = async (row: OutboxRow): Promise<DeliveryResult> => {
    if (row.kind === 'management_review.pack') return deliverPack(row);
    if (JOB_KINDS.has(row.kind)) return jobs.deliver(row);
    const p = row.payload as Record<string, unknown>;
    const request = typeof p.requestId === 'number' ? await loadRequestView(db, policy, row.workspaceId, p.requestId) : null;
    const gone: DeliveryResult = { ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` };
    switch (row.kind) {
      case 'approval.requested':
        if (!request) return gone;
        await postRequest(row, request);
        return { ok: true };
      case 'approval.updated': {
        if (!request) return gone;
        const ctx = { deps, workspace: { id: row.workspaceId, platform: 'teams' as const, externalId: '' } };
        await updateCopies(row.workspaceId, 'approval_request', request.id, await sharedApprovalCard(ctx, request, transport.rosterFor(row.workspaceId)));
        return { ok: true };
      }
      case 'approval.outcome':
        if (!request) return gone;
        if (await postedBefore(row)) return { ok: true };
        await postOnce(row, () =>
          sendToPerson(
            row.workspaceId,
            request.submittedBy,
            outcomeCard(request, (typeof p.status === 'string' ? p.status : request.status) as RequestView['status'], typeof p.stepId === 'number' ? p.stepId : undefined),
          ),
        );
        return { ok: true };
      case 'audit.checkpoint':
        return deliverCheckpoint({ deps, transport }, row);
      case 'survey.start':
        return enrolTeamsAudience(deps, transport, row);
      case 'review.updated':
        if (typeof p.reviewId !== 'number') return gone;
        await jobs.reviewUpdated(row.workspaceId, p.reviewId, String(p.status ?? 'updated'));
        return { ok: true };
      default:
        return deliverGeneric(row, p);
    }
  };

  /** Kinds this deliverer does not know: their `text` to the person or channel they are for. */
  const deliverGeneric = async (row: OutboxRow, p: Record<string, unknown>): Promise<DeliveryResult> => {
    // People read this: never the event's name or its JSON. The log keeps the kind.
    if (typeof p.text !== 'string') opts.logger.warn({ kind: row.kind, notification: row.id }, 'Teams notification without text; sent a generic line');
    const text = typeof p.text === 'string' ? p.text : 'Something changed on a tool you are involved with; type list or pending to see it.';
    // Task notifications: a reminder of a task closed since is not sent; a reminder carries its buttons.
    if (await taskClosedSince(db, row)) return { ok: true };
    if (await surveyAnsweredSince(db, row)) return { ok: true };
    const nudge = row.kind === 'discovery.nudge' && typeof p.tool === 'string' && typeof p.name === 'string' ? nudgeCard({ tool: p.tool, name: p.name, text }) : null;
    const card = nudge ?? taskNotificationCard(row) ?? incidentNoticeCard(row, policy.organization.timezone) ?? ncNoticeCard(row) ?? surveyNotificationCard(row) ?? messageCard(text);
    const r = row.recipient as { person?: number; channel?: 'approvals' | 'digest' };
    if ((typeof r.person === 'number' || r.channel) && (await postedBefore(row))) return { ok: true };
    if (typeof r.person === 'number') {
      const [person] = await db.select().from(people).where(eq(people.id, r.person));
      if (!person) return { ok: false, permanent: true, error: 'recipient no longer exists' };
      await postOnce(row, () => sendToPerson(row.workspaceId, { platformId: person.platformId, name: person.displayName ?? person.platformId }, card));
      return { ok: true };
    }
    if (r.channel) {
      const channel = await channelRef(row.workspaceId, r.channel);
      if (!channel) return { ok: false, permanent: true, error: `no Teams ${r.channel} channel in the policy` };
      await postOnce(row, async () => ({ conversationId: channel.id, messageId: await send(channel.ref, { type: 'message', attachments: [cardAttachment(card)] }), via: 'channel' }));
      return { ok: true };
    }
    return { ok: false, permanent: true, error: `${row.kind}: no Teams recipient` };
  };

  return async (row) => {
    try {
      return await deliverRow(row);
    } catch (err) {
      return failure(err, opts.logger, row);
    }
  };
}

/** The heading of an outcome, in plain words: "AI-1 Chat was approved", "changes were requested for …". */
export function outcomeHeading(system: string, status: RequestView['status']): string {
  switch (status) {
    case 'changes_requested':
      return `Changes were requested for ${system}`;
    case 'blocked':
      return `${system} is blocked: it is a prohibited practice`;
    case 'superseded':
      return `The approval of ${system} was superseded by a newer request`;
    case 'pending':
      return `${system} is waiting for approval`;
    default:
      return `${system} was ${REQUEST_STATUS_LABEL[status] ?? words(status)}`;
  }
}

/** Maps a connector error to a delivery result: 429 waits as told, 4xx is permanent. */
export function failure(err: unknown, logger: Logger, row: Pick<OutboxRow, 'id' | 'kind'>): DeliveryResult {
  if (err instanceof NoRoute) return { ok: false, permanent: true, error: err.message };
  const e = err as { statusCode?: number; message?: string; response?: { headers?: { get?: (n: string) => string | undefined } } };
  const status = e.statusCode;
  const message = `${row.kind}: ${e.message ?? String(err)}`;
  if (status === 429) {
    const seconds = Number(e.response?.headers?.get?.('retry-after') ?? '1');
    return { ok: false, retryAfterMs: Number.isFinite(seconds) ? Math.max(seconds, 0) * 1000 : 1000, error: message };
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    logger.warn({ err, notification: row.id }, 'Teams refused a notification');
    return { ok: false, permanent: true, error: message };
  }
  return { ok: false, retryAfterMs: 2000, error: message };
}
