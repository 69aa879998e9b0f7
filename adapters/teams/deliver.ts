/**
 * The Teams deliverer of the notification outbox. It renders from the current database state at
 * delivery time (so a retried row never shows stale content), posts and updates through
 * continueConversation with stored references, and reports a connector 429 as "retry after".
 */
import { eq } from 'drizzle-orm';
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { TurnContext as TurnContextClass } from 'botbuilder';
import { people, workspaces } from '../../db/schema';
import type { Deliverer, DeliveryResult, FlowDeps, OutboxRow, RequestView } from '../../flows';
import { loadRequestView, messagesOf, recordMessage } from '../../flows';
import type { Logger } from 'pino';
import { sharedApprovalCard } from './approval-actions';
import type { CardJson } from './card-kit';
import { adaptiveCard, cardAttachment, heading, md, messageCard, textBlock, words } from './card-kit';
import { anyReference, findReference, referenceForConversation, saveReference } from './conversation-refs';

/** What the deliverer needs. */
export interface TeamsDelivererOptions {
  adapter: CloudAdapter;
  /** The bot's app id ('' for unauthenticated local testing). */
  appId: string;
  deps: FlowDeps;
  logger: Logger;
}

type Ref = Partial<ConversationReference>;

class NoRoute extends Error {}

type RawResponse = { _response?: { status?: number; headers?: { get(name: string): string | undefined } } } | undefined;

/**
 * The connector client gives up on a 429 after its own retries by returning the error response
 * rather than throwing; turn that into an error the outbox can schedule a retry from.
 */
function connectorError(r: RawResponse): Error {
  const status = r?._response?.status ?? 502;
  return Object.assign(new Error(`Bot Connector answered ${status} without an activity id`), {
    statusCode: status,
    response: { headers: r?._response?.headers },
  });
}

/** Builds the deliverer. */
export function createTeamsDeliverer(opts: TeamsDelivererOptions): Deliverer {
  const { adapter, appId, deps } = opts;
  const { db, policy } = deps;

  /**
   * Runs `fn` in a proactive turn. The adapter's turn error handler would swallow a failure, so
   * it is caught here and thrown to the deliverer, which turns it into a retry.
   */
  const proactive = async (ref: Ref, fn: (ctx: TurnContext) => Promise<void>): Promise<void> => {
    let failed: unknown = null;
    await adapter.continueConversationAsync(appId, ref as ConversationReference, async (ctx: TurnContext) => {
      try {
        await fn(ctx);
      } catch (err) {
        failed = err ?? new Error('proactive turn failed');
      }
    });
    if (failed) throw failed;
  };

  const send = async (ref: Ref, activity: Partial<Activity>): Promise<string> => {
    let id = '';
    await proactive(ref, async (ctx: TurnContext) => {
      // sendToConversation, not a reply: in a channel this starts a new thread, and the
      // continuation activity's made-up id must not become a replyToId.
      const client = ctx.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
      const out = TurnContextClass.applyConversationReference({ ...activity }, ref);
      delete out.replyToId;
      const r = await client.conversations.sendToConversation(ref.conversation!.id, out as Activity);
      if (!r?.id) throw connectorError(r as unknown as RawResponse);
      id = r.id;
    });
    return id;
  };

  const update = async (ref: Ref, activityId: string, card: CardJson): Promise<void> => {
    await proactive(ref, async (ctx: TurnContext) => {
      await ctx.updateActivity({ type: 'message', id: activityId, attachments: [cardAttachment(card)] });
    });
  };

  const channelRef = async (workspaceId: number, channel: 'approvals' | 'digest'): Promise<{ id: string; ref: Ref } | null> => {
    const id = policy.channels[channel]?.teams;
    if (!id) return null;
    const ref = (await findReference(db, workspaceId, `channel:${id}`)) ?? (await referenceForConversation(db, workspaceId, id));
    if (!ref) throw new NoRoute(`no conversation reference for this Teams tenant yet; install the app in the ${channel} channel`);
    return { id, ref: { ...ref, activityId: undefined, user: undefined, conversation: { ...ref.conversation!, id } } };
  };

  /** A personal conversation with a Teams user: stored, or created through the connector. */
  const createPersonal = async (workspaceId: number, platformId: string): Promise<Ref | null> => {
    const base = await anyReference(db, workspaceId);
    if (!base?.serviceUrl || !base.bot) return null;
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    const tenantId = ws?.externalId;
    let created: Ref | null = null;
    await adapter.createConversationAsync(
      appId,
      'msteams',
      base.serviceUrl,
      'https://api.botframework.com',
      {
        isGroup: false,
        bot: base.bot,
        members: [{ id: platformId.slice('teams:'.length), name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
        activity: undefined as never,
      },
      async (ctx) => {
        created = TurnContextClass.getConversationReference(ctx.activity);
      },
    );
    if (created) await saveReference(db, workspaceId, `person:${platformId}`, created, deps.clock.now());
    return created;
  };

  /**
   * Sends to a person: their stored personal chat, else a mention in the approvals channel (they
   * have not installed the app), else a new personal conversation.
   */
  const sendToPerson = async (workspaceId: number, person: { platformId: string; name: string }, card: CardJson): Promise<void> => {
    if (!person.platformId.startsWith('teams:')) throw new NoRoute(`${person.platformId} is not a Teams user`);
    const ref = await findReference(db, workspaceId, `person:${person.platformId}`);
    if (ref) {
      await send(ref, { type: 'message', attachments: [cardAttachment(card)] });
      return;
    }
    const channel = await channelRef(workspaceId, 'approvals');
    if (channel) {
      const aad = person.platformId.slice('teams:'.length);
      const mention = `<at>${person.name}</at>`;
      await send(channel.ref, {
        type: 'message',
        text: `${mention} (you have not installed aimsbot, so this comes here):`,
        entities: [{ type: 'mention', text: mention, mentioned: { id: aad, name: person.name } }],
        attachments: [cardAttachment(card)],
      });
      return;
    }
    const created = await createPersonal(workspaceId, person.platformId);
    if (!created) throw new NoRoute(`no way to reach ${person.platformId}: no personal chat and no approvals channel`);
    await send(created, { type: 'message', attachments: [cardAttachment(card)] });
  };

  const postRequest = async (row: OutboxRow, request: RequestView): Promise<void> => {
    const existing = (await messagesOf(db, row.workspaceId, 'approval_request', request.id)).filter((m) => m.platform === 'teams');
    if (existing.length > 0) return; // posted by an earlier attempt
    const ctx = { deps, workspace: { id: row.workspaceId, platform: 'teams' as const, externalId: '' } };
    const card = await sharedApprovalCard(ctx, request);
    const activity = { type: 'message', attachments: [cardAttachment(card)] };
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
    await recordMessage(
      db,
      { workspaceId: row.workspaceId, subjectType: 'approval_request', subjectId: request.id, platform: 'teams', role: target.role, conversationId: target.conversationId, messageId },
      deps.clock.now(),
    );
  };

  const updateCopies = async (workspaceId: number, subjectType: string, subjectId: number, card: CardJson): Promise<void> => {
    const copies = (await messagesOf(db, workspaceId, subjectType, subjectId)).filter((m) => m.platform === 'teams');
    for (const copy of copies) {
      const ref = await referenceForConversation(db, workspaceId, copy.conversationId, copy.role === 'dm');
      if (!ref) continue;
      await update(ref, copy.messageId, card);
    }
  };

  const outcomeCard = (request: RequestView, status: string): CardJson => {
    const reason = request.steps.find((s) => s.reason)?.reason;
    const next = status === 'changes_requested' || status === 'rejected' ? `Change it and type **resubmit ${request.systemRef}**.` : '';
    return adaptiveCard([
      heading(`${request.systemRef} ${md(request.systemName)} was ${words(status)}`),
      ...(reason ? [textBlock(`Reason: "${md(reason)}"`)] : []),
      ...(next ? [textBlock(next)] : []),
    ]);
  };

  const deliverRow = async (row: OutboxRow): Promise<DeliveryResult> => {
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
        await updateCopies(row.workspaceId, 'approval_request', request.id, await sharedApprovalCard(ctx, request));
        return { ok: true };
      }
      case 'approval.outcome':
        if (!request) return gone;
        await sendToPerson(row.workspaceId, request.submittedBy, outcomeCard(request, String(p.status ?? request.status)));
        return { ok: true };
      case 'review.updated':
        if (typeof p.reviewId !== 'number') return gone;
        await updateCopies(row.workspaceId, 'review', p.reviewId, messageCard(`Review ${words(String(p.status ?? 'updated'))}.`));
        return { ok: true };
      default:
        return deliverGeneric(row, p);
    }
  };

  /** Other kinds (reminders, digests): their `text` to the person or channel they are for. */
  const deliverGeneric = async (row: OutboxRow, p: Record<string, unknown>): Promise<DeliveryResult> => {
    const text = typeof p.text === 'string' ? p.text : `${row.kind}: ${JSON.stringify(p)}`;
    const card = messageCard(md(text));
    const r = row.recipient as { person?: number; channel?: 'approvals' | 'digest' };
    if (typeof r.person === 'number') {
      const [person] = await db.select().from(people).where(eq(people.id, r.person));
      if (!person) return { ok: false, permanent: true, error: 'recipient no longer exists' };
      await sendToPerson(row.workspaceId, { platformId: person.platformId, name: person.displayName ?? person.platformId }, card);
      return { ok: true };
    }
    if (r.channel) {
      const channel = await channelRef(row.workspaceId, r.channel);
      if (!channel) return { ok: false, permanent: true, error: `no Teams ${r.channel} channel in the policy` };
      await send(channel.ref, { type: 'message', attachments: [cardAttachment(card)] });
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
