/**
 * How the deliverer reaches people and channels: proactive turns from stored references, posts
 * that start a new thread or reply in one, updates in place, personal chats created on demand,
 * and the fallback that mentions someone in the approvals channel when they have not installed
 * the app. Connector failures are thrown so the deliverer can turn them into retries.
 */
import { eq } from 'drizzle-orm';
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { TeamsInfo, TurnContext as TurnContextClass } from 'botbuilder';
import { workspaces } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import type { CardJson } from './card-kit';
import { cardAttachment } from './card-kit';
import { anyReference, findReference, referenceForConversation, saveReference } from './conversation-refs';

/** A conversation reference as stored. */
export type Ref = Partial<ConversationReference>;

/** How long a roster answer is kept, in ms (10 minutes). */
const ROSTER_CACHE_MS = 10 * 60_000;

/** No route to the recipient: retrying will not help until the setup changes. */
export class NoRoute extends Error {}

/** Where a message went. */
export interface Posted {
  conversationId: string;
  messageId: string;
  /** `personal`: their stored chat; `mention`: the approvals channel; `created`: a new chat. */
  via: 'personal' | 'mention' | 'created' | 'channel';
}

/** A Teams user to mention: AAD object id and the name shown. */
export interface MentionTarget {
  aad: string;
  name: string;
}

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

/** The text and entities of an activity that @mentions people. */
export function mentionParts(targets: MentionTarget[]): { text: string; entities: Array<{ type: string; [key: string]: unknown }> } {
  const tags = targets.map((t) => `<at>${t.name}</at>`);
  return {
    text: tags.join(', '),
    entities: targets.map((t, i) => ({ type: 'mention', text: tags[i], mentioned: { id: t.aad, name: t.name } })),
  };
}

/** Builds the transport of a deliverer. */
export function createTeamsTransport(opts: { adapter: CloudAdapter; appId: string; deps: FlowDeps }) {
  const { adapter, appId, deps } = opts;
  const { db, policy } = deps;

  /**
   * Runs `fn` in a proactive turn. The adapter's turn error handler would swallow a failure, so
   * it is caught here and thrown to the caller, which turns it into a retry.
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

  /** Posts an activity; `replyTo` makes it a reply in that channel thread. Returns the activity id. */
  const send = async (ref: Ref, activity: Partial<Activity>, replyTo?: string): Promise<string> => {
    let id = '';
    await proactive(ref, async (ctx: TurnContext) => {
      // sendToConversation, not a reply: in a channel this starts a new thread (or replies in the
      // thread named by `;messageid=`), and the continuation activity's made-up id must not
      // become a replyToId.
      const client = ctx.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
      const out = TurnContextClass.applyConversationReference({ ...activity }, ref);
      delete out.replyToId;
      const conversationId = replyTo ? `${ref.conversation!.id};messageid=${replyTo}` : ref.conversation!.id!;
      out.conversation = { ...out.conversation!, id: conversationId };
      const r = await client.conversations.sendToConversation(conversationId, out as Activity);
      if (!r?.id) throw connectorError(r as unknown as RawResponse);
      id = r.id;
    });
    return id;
  };

  /**
   * Replaces a posted message with `card`. Through the connector client, not
   * `TurnContext.updateActivity`: that would stamp the continuation activity's made-up id on the
   * update as its `replyToId`, naming a message that never existed.
   */
  const update = async (ref: Ref, activityId: string, card: CardJson): Promise<void> => {
    await proactive(ref, async (ctx: TurnContext) => {
      const client = ctx.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
      const out = TurnContextClass.applyConversationReference({ type: 'message', id: activityId, attachments: [cardAttachment(card)] }, ref);
      delete out.replyToId;
      out.id = activityId;
      const conversationId = ref.conversation!.id!;
      await client.conversations.updateActivity(conversationId, activityId, out as Activity);
    });
  };

  /**
   * The names Teams gives these users (looked up in `ref`'s conversation); "approver" when Teams
   * does not say (an AAD object id means nothing to the people reading the mention).
   */
  const memberNames = async (ref: Ref, aads: string[]): Promise<MentionTarget[]> => {
    if (aads.length === 0) return [];
    const out: MentionTarget[] = aads.map((aad) => ({ aad, name: 'approver' }));
    await proactive(ref, async (ctx) => {
      for (const t of out) {
        try {
          const m = await TeamsInfo.getMember(ctx, t.aad);
          if (m.name) t.name = m.name;
        } catch {
          // Not in this conversation (or not allowed here): keep the id.
        }
      }
    });
    return out;
  };

  const channelRef = async (workspaceId: number, channel: 'approvals' | 'digest'): Promise<{ id: string; ref: Ref } | null> => {
    const id = policy.channels[channel]?.teams;
    if (!id) return null;
    const ref = (await findReference(db, workspaceId, `channel:${id}`)) ?? (await referenceForConversation(db, workspaceId, id));
    if (!ref) throw new NoRoute(`no conversation reference for this Teams tenant yet; install the app in the ${channel} channel`);
    return { id, ref: { ...ref, activityId: undefined, user: undefined, conversation: { ...ref.conversation!, id } } };
  };

  /** The digest channel, falling back to the approvals channel; NoRoute when neither is set. */
  const digestChannel = async (workspaceId: number): Promise<{ id: string; ref: Ref }> => {
    const channel = (await channelRef(workspaceId, 'digest')) ?? (await channelRef(workspaceId, 'approvals'));
    if (!channel) throw new NoRoute('no digest channel configured for teams: set channels.digest.teams');
    return channel;
  };

  /** A personal conversation with a Teams user, created through the connector (and stored). */
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
   * Where a message to a person goes: their stored personal chat, else a mention in the
   * approvals channel (they have not installed the app), else a new personal conversation.
   */
  const personRoute = async (workspaceId: number, platformId: string): Promise<{ conversationId: string; ref: Ref; via: Posted['via'] }> => {
    if (!platformId.startsWith('teams:')) throw new NoRoute(`${platformId} is not a Teams user`);
    const ref = await findReference(db, workspaceId, `person:${platformId}`);
    if (ref?.conversation?.id) return { conversationId: ref.conversation.id, ref, via: 'personal' };
    const channel = await channelRef(workspaceId, 'approvals');
    if (channel) return { conversationId: channel.id, ref: channel.ref, via: 'mention' };
    const created = await createPersonal(workspaceId, platformId);
    if (!created?.conversation?.id) throw new NoRoute(`no way to reach ${platformId}: no personal chat and no approvals channel`);
    return { conversationId: created.conversation.id, ref: created, via: 'created' };
  };

  /**
   * Sends a card to a person along `route` (from `personRoute`), mentioning them when it is the
   * approvals channel; `replyTo` puts that mention in an existing thread of the channel.
   */
  const sendAlong = async (
    route: { conversationId: string; ref: Ref; via: Posted['via'] },
    person: { platformId: string; name: string },
    card: CardJson,
    replyTo?: string,
  ): Promise<Posted> => {
    const activity: Partial<Activity> = { type: 'message', attachments: [cardAttachment(card)] };
    if (route.via === 'mention') {
      const m = mentionParts([{ aad: person.platformId.slice('teams:'.length), name: person.name }]);
      activity.text = `${m.text} (you have not installed aimsbot, so this comes here):`;
      activity.entities = m.entities;
    }
    const messageId = await send(route.ref, activity, route.via === 'mention' ? replyTo : undefined);
    return { conversationId: route.conversationId, messageId, via: route.via };
  };

  /** MRIs found in the roster, by workspace and AAD object id, with when they were looked up. */
  const mriCache = new Map<string, { at: number; mri: string | null }>();

  /**
   * The roster of a workspace as seen from its approvals channel (else any stored conversation):
   * the user MRI of a member by AAD object id, null when Teams does not know them there. Answers
   * are kept for 10 minutes, so updating a card does not ask Teams again for every approver.
   */
  const rosterFor = (workspaceId: number) => async (aad: string): Promise<string | null> => {
    const key = `${workspaceId}/${aad.toLowerCase()}`;
    const hit = mriCache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < ROSTER_CACHE_MS) return hit.mri;
    const id = policy.channels.approvals?.teams;
    const stored = id ? ((await findReference(db, workspaceId, `channel:${id}`)) ?? (await referenceForConversation(db, workspaceId, id))) : await anyReference(db, workspaceId);
    if (!stored?.serviceUrl) return null;
    const ref: Ref = id ? { ...stored, activityId: undefined, user: undefined, conversation: { ...stored.conversation!, id } } : { ...stored, activityId: undefined };
    let mri: string | null = null;
    try {
      await proactive(ref, async (ctx) => {
        mri = (await TeamsInfo.getMember(ctx, aad)).id || null;
      });
    } catch {
      // Not in that conversation, or the roster cannot be read: no MRI, no refresh for them.
      mri = null;
    }
    mriCache.set(key, { at: now, mri });
    return mri;
  };

  /** Sends a card to a person (see `personRoute`). */
  const sendToPerson = async (workspaceId: number, person: { platformId: string; name: string }, card: CardJson): Promise<Posted> =>
    sendAlong(await personRoute(workspaceId, person.platformId), person, card);

  return { proactive, send, update, memberNames, channelRef, digestChannel, createPersonal, personRoute, sendAlong, sendToPerson, rosterFor };
}

/** The transport of a deliverer. */
export type TeamsTransport = ReturnType<typeof createTeamsTransport>;
