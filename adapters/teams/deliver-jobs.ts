/**
 * Delivery of the scheduled jobs' notifications in Teams: review reminders (the owner's review
 * card, recorded so `review.updated` updates it in place), escalations and the weekly digest in
 * the digest channel, and approval reminders to each approver or, for people Teams cannot reach
 * directly, with a mention in the approvals channel.
 *
 * Each row posts one message, and its activity id is recorded the moment the connector answers
 * (post-record.ts). A retried row first looks for the copy an earlier attempt recorded and stops
 * there, so a 429 or a failed write never posts twice.
 * Everything is rendered from the current database state; a subject closed since the job ran
 * (review done, step decided) is not chased.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people, reviews, workspaces } from '../../db/schema';
import type {
  ApprovalEscalationPayload,
  ApprovalReminderPayload,
  DeliveryResult,
  FlowDeps,
  OutboxRow,
  ReviewEscalationPayload,
  ReviewReminderPayload,
  WeeklyDigestPayload,
} from '../../flows';
import type { ImpactDuePayload, MessageCopy, RetriagePromptPayload } from '../../flows';
import { loadRequestView, loadSystemView, messagesOf } from '../../flows';
import { roleLabel, timezoneOf } from '../../flows/display';
import { adaptiveCard, cardAttachment, textBlock } from './card-kit';
import { noteCheckpointPost } from './checkpoint-delivery';
import { reviewCard } from './review-actions';
import { referenceForConversation } from './conversation-refs';
import { memberNames } from './people';
import { digestCard } from './digest-card';
import { withDigestChart } from './digest-chart';
import { unreachablePeople } from './digest-people';
import { approvalEscalationCard, approvalReminderCard, closedReviewCard, memberLabel, membersText, reviewEscalationCard, reviewReminderCard, threadLink } from './job-cards';
import type { PostRecorder } from './post-record';
import type { Posted, TeamsTransport } from './teams-transport';
import { mentionParts } from './teams-transport';
import { impactDueCard } from './impact/cards';
import { noticeCard } from './risks/cards';

/** The kinds handled here. */
export const JOB_KINDS = new Set(['review.reminder', 'review.escalation', 'approval.reminder', 'approval.escalation', 'digest.weekly', 'triage.retriage_needed', 'impact.due', 'risk.assess_prompt', 'risk.acceptance_requested']);

/** One-off posts are recorded against their notification row: this subject type. */
export const NOTIFICATION = 'notification';

/** The record of a Teams post. */
export function teamsCopy(
  row: Pick<OutboxRow, 'workspaceId'>,
  subjectType: string,
  subjectId: number,
  role: string,
  posted: Pick<Posted, 'conversationId' | 'messageId'>,
  extra: { threadId?: string | null; stepId?: number | null } = {},
): MessageCopy {
  return { workspaceId: row.workspaceId, subjectType, subjectId, platform: 'teams', role, conversationId: posted.conversationId, messageId: posted.messageId, ...extra };
}

const OK: DeliveryResult = { ok: true };

async function personOf(db: Db, id: number) {
  const [p] = await db.select().from(people).where(eq(people.id, id));
  return p ? { platformId: p.platformId, name: p.displayName ?? p.platformId } : null;
}

/** Builds the job deliveries on a transport. */
export function createJobDelivery(opts: { deps: FlowDeps; transport: TeamsTransport; recorder: PostRecorder; warn?: (err: unknown, msg: string) => void }) {
  const { deps, transport, recorder } = opts;
  const { db, policy } = deps;
  const tz = timezoneOf(policy);

  /** Teams copies of a subject recorded with `role` at or after `since`. */
  const recorded = (workspaceId: number, subjectType: string, subjectId: number, role: string, since: Date) =>
    messagesOf(db, workspaceId, subjectType, subjectId, { platform: 'teams', role, since });

  /** Posts the one message of a one-off row and records it against the row. */
  const postOnce = (row: OutboxRow, post: () => Promise<Posted>, extra: (posted: Posted) => { threadId?: string | null; stepId?: number | null } = () => ({})) =>
    recorder.once(row, row.kind, async () => {
      const posted = await post();
      return teamsCopy(row, NOTIFICATION, row.id, row.kind, posted, extra(posted));
    });

  /** Whether an earlier attempt of this one-off row already posted. */
  const done = async (row: OutboxRow) => (await recorded(row.workspaceId, NOTIFICATION, row.id, row.kind, new Date(0))).length > 0;

  const tenantOf = async (workspaceId: number) => (await db.select({ externalId: workspaces.externalId }).from(workspaces).where(eq(workspaces.id, workspaceId)))[0]?.externalId ?? '';

  const reviewReminder = async (row: OutboxRow, p: ReviewReminderPayload): Promise<DeliveryResult> => {
    const [review] = await db.select().from(reviews).where(eq(reviews.id, p.reviewId));
    if (!review || review.status !== 'open') return OK; // acted on since the job ran
    if (review.snoozedUntil && review.snoozedUntil > deps.clock.now()) return OK;
    const system = await loadSystemView(db, row.workspaceId, p.systemId);
    if (!system || system.status !== 'approved') return OK;
    // One reminder row per review is in flight at a time, and the next one is written days
    // later: a reminder copy recorded since this row was written is this row's.
    if ((await recorded(row.workspaceId, 'review', p.reviewId, 'reminder', row.createdAt)).length > 0) return OK;
    await recorder.once(row, 'reminder', async () =>
      teamsCopy(row, 'review', p.reviewId, 'reminder', await transport.sendToPerson(row.workspaceId, system.owner, reviewReminderCard(system, p, tz))),
    );
    return OK;
  };

  // The owner of a v1-assessed system is asked to answer the v2 questions; an approved system's
  // card carries the review buttons ("Update answers" starts the re-triage).
  const retriagePrompt = async (row: OutboxRow, p: RetriagePromptPayload): Promise<DeliveryResult> => {
    if (await done(row)) return OK;
    const system = await loadSystemView(db, row.workspaceId, p.systemId);
    if (!system || system.status === 'retired') return OK;
    const intro = [textBlock(`🔄 ${p.text}`, { weight: 'Bolder', wrap: true })];
    const card = system.status === 'approved' ? reviewCard(system, undefined, intro, tz) : adaptiveCard(intro);
    await postOnce(row, () => transport.sendToPerson(row.workspaceId, system.owner, card));
    return OK;
  };

  // The owner of a re-triaged system is asked to assess its impact again.
  const impactDue = async (row: OutboxRow, p: ImpactDuePayload): Promise<DeliveryResult> => {
    if (await done(row)) return OK;
    const system = await loadSystemView(db, row.workspaceId, p.systemId);
    if (!system || system.status === 'retired') return OK;
    await postOnce(row, () => transport.sendToPerson(row.workspaceId, system.owner, impactDueCard(p.text, system.ref)));
    return OK;
  };

  /** The risk prompt or acceptance request, in the recipient's personal chat with its button. */
  const riskNotice = async (row: OutboxRow, p: Record<string, unknown>): Promise<DeliveryResult> => {
    const to = (row.recipient as { person?: unknown }).person;
    const value = row.kind === 'risk.assess_prompt' ? p.ref : p.riskRef;
    if (typeof to !== 'number' || typeof p.text !== 'string' || typeof value !== 'string') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
    if (await done(row)) return OK;
    const person = await personOf(db, to);
    if (!person) return { ok: false, permanent: true, error: `${row.kind}: the recipient no longer exists` };
    await postOnce(row, () => transport.sendToPerson(row.workspaceId, person, noticeCard(row.kind, p.text as string, value)));
    return OK;
  };

  const reviewEscalation = async (row: OutboxRow, p: ReviewEscalationPayload): Promise<DeliveryResult> => {
    if (await done(row)) return OK;
    const [review] = await db.select({ status: reviews.status }).from(reviews).where(eq(reviews.id, p.reviewId));
    if (!review || review.status !== 'open') return OK;
    await postOnce(row, async () => {
      const channel = await transport.digestChannel(row.workspaceId);
      const messageId = await transport.send(channel.ref, { type: 'message', attachments: [cardAttachment(reviewEscalationCard(p, tz))] });
      return { conversationId: channel.id, messageId, via: 'channel' };
    });
    return OK;
  };

  /** The step is still waiting: a decided step or closed request is not chased. */
  const stillPending = async (workspaceId: number, requestId: number, stepId: number) => {
    const request = await loadRequestView(db, policy, workspaceId, requestId);
    return !!request && request.status === 'pending' && request.steps.some((s) => s.id === stepId && s.status === 'pending');
  };

  const approvalReminder = async (row: OutboxRow, p: ApprovalReminderPayload): Promise<DeliveryResult> => {
    if (await done(row)) return OK;
    if (!(await stillPending(row.workspaceId, p.requestId, p.stepId))) return OK;
    const link = threadLink(p.thread, await tenantOf(row.workspaceId));
    const thread = p.thread?.platform === 'teams' ? p.thread : null;
    const inThread = (conversationId: string) => (thread && thread.conversationId === conversationId ? (thread.threadId ?? thread.messageId) : undefined);
    const r = row.recipient as { person?: number; channel?: string };
    let post: () => Promise<Posted>;
    if (typeof r.person === 'number') {
      const person = await personOf(db, r.person);
      if (!person) return { ok: false, permanent: true, error: 'recipient no longer exists' };
      post = async () => {
        const route = await transport.personRoute(row.workspaceId, person.platformId);
        return transport.sendAlong(route, person, approvalReminderCard(p, link), inThread(route.conversationId));
      };
    } else {
      const channel = await transport.channelRef(row.workspaceId, 'approvals');
      if (!channel) return { ok: false, permanent: true, error: 'approval.reminder: no Teams approvals channel in the policy (channels.approvals.teams)' };
      post = async () => {
        const aads = p.approvers.filter((a) => a.startsWith('teams:')).map((a) => a.slice('teams:'.length));
        const others = p.approvers.filter((a) => !a.startsWith('teams:'));
        const targets = await transport.memberNames(channel.ref, aads);
        const m = mentionParts(targets);
        const role = roleLabel(p.role);
        const text = targets.length > 0 ? `${m.text}: the ${role} approval of ${p.ref} waits for you.` : `The ${role} approval of ${p.ref} waits for ${membersText(others) || 'its approvers'}.`;
        const replyTo = inThread(channel.id);
        const messageId = await transport.send(channel.ref, { type: 'message', text, entities: m.entities, attachments: [cardAttachment(approvalReminderCard(p, link, others))] }, replyTo);
        return { conversationId: channel.id, messageId, via: 'channel' };
      };
    }
    const threadId = (posted: Posted) => (posted.conversationId === thread?.conversationId ? (thread.threadId ?? thread.messageId) : null);
    await postOnce(row, post, (posted) => ({ threadId: threadId(posted), stepId: p.stepId }));
    return OK;
  };

  const approvalEscalation = async (row: OutboxRow, p: ApprovalEscalationPayload): Promise<DeliveryResult> => {
    if (await done(row)) return OK;
    if (!(await stillPending(row.workspaceId, p.requestId, p.stepId))) return OK;
    const card = approvalEscalationCard(p, threadLink(p.thread, await tenantOf(row.workspaceId)), await memberNames(db, row.workspaceId, p.approvers));
    await postOnce(
      row,
      async () => {
        const channel = await transport.digestChannel(row.workspaceId);
        const messageId = await transport.send(channel.ref, { type: 'message', attachments: [cardAttachment(card)] });
        return { conversationId: channel.id, messageId, via: 'channel' };
      },
      () => ({ stepId: p.stepId }),
    );
    return OK;
  };

  const weeklyDigest = async (row: OutboxRow, p: WeeklyDigestPayload): Promise<DeliveryResult> => {
    const [earlier] = await recorded(row.workspaceId, NOTIFICATION, row.id, row.kind, new Date(0));
    if (earlier) {
      // Posted before; the checkpoint's location may not have been noted yet (it keeps the first).
      await noteCheckpointPost(deps, row, earlier);
      return OK;
    }
    const channel = await transport.digestChannel(row.workspaceId);
    const unreachable = await unreachablePeople(db, policy, row.workspaceId, p.digest);
    const unseenTeams = unreachable.unseen.filter((m) => m.startsWith('teams:')).map((m) => m.slice('teams:'.length));
    const named = await transport.memberNames(channel.ref, unseenTeams);
    const notInstalled = [
      ...unreachable.known.map((k) => ({ name: k.name })),
      ...named.map((n) => ({ name: n.name })),
      ...unreachable.unseen.filter((m) => !m.startsWith('teams:')).map((m) => ({ name: memberLabel(m) })),
    ];
    const card = await withDigestChart(deps, row.workspaceId, p.digest, digestCard(p.digest, notInstalled), opts.warn);
    const copy = await postOnce(row, async () => {
      const messageId = await transport.send(channel.ref, { type: 'message', summary: p.text.split('\n')[0], attachments: [cardAttachment(card)] });
      return { conversationId: channel.id, messageId, via: 'channel' };
    });
    await noteCheckpointPost(deps, row, copy);
    return OK;
  };

  return {
    /** Delivers a row of one of `JOB_KINDS`. */
    async deliver(row: OutboxRow): Promise<DeliveryResult> {
      const p = row.payload as Record<string, unknown>;
      switch (row.kind) {
        case 'review.reminder':
          return reviewReminder(row, p as ReviewReminderPayload);
        case 'review.escalation':
          return reviewEscalation(row, p as ReviewEscalationPayload);
        case 'approval.reminder':
          return approvalReminder(row, p as ApprovalReminderPayload);
        case 'approval.escalation':
          return approvalEscalation(row, p as ApprovalEscalationPayload);
        case 'digest.weekly':
          return weeklyDigest(row, p as WeeklyDigestPayload);
        case 'triage.retriage_needed':
          return retriagePrompt(row, p as RetriagePromptPayload);
        case 'impact.due':
          return impactDue(row, p as unknown as ImpactDuePayload);
        case 'risk.assess_prompt':
        case 'risk.acceptance_requested':
          return riskNotice(row, p);
        default:
          return { ok: false, permanent: true, error: `${row.kind}: not a job notification` };
      }
    },

    /** `review.updated`: every posted review card becomes the closed card (no more buttons). */
    async reviewUpdated(workspaceId: number, reviewId: number, status: string): Promise<void> {
      const copies = (await messagesOf(db, workspaceId, 'review', reviewId)).filter((m) => m.platform === 'teams');
      if (copies.length === 0) return;
      const [review] = await db.select().from(reviews).where(eq(reviews.id, reviewId));
      const system = review ? await loadSystemView(db, workspaceId, review.systemId) : null;
      const decidedBy = review?.decidedById ? await personOf(db, review.decidedById) : null;
      const card = closedReviewCard(system, system?.ref ?? `review ${reviewId}`, status === 'snoozed' ? status : (review?.status ?? status), decidedBy?.name ?? null, review?.decidedAt ?? null, tz);
      for (const copy of copies) {
        const ref = await referenceForConversation(db, workspaceId, copy.conversationId);
        if (ref) await transport.update(ref, copy.messageId, card);
      }
    },
  };
}
