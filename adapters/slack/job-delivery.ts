/**
 * Delivery of the reminder and escalation notifications of the scheduled jobs. Each checks the
 * current state first (a review done or a step decided since the job ran is not chased), skips
 * what this notification already posted, and records every post, so a retry after a 429 or a
 * crash never posts the same reminder twice (a post whose recording failed is found again by its
 * message metadata, see post-once.ts).
 */
import { eq } from 'drizzle-orm';
import { idIn } from '../../db/any-of';
import { people, reviews } from '../../db/schema';
import type {
  ApprovalStuckPayload,
  ApprovalEscalationPayload,
  ApprovalReminderPayload,
  DeliveryResult,
  OutboxRow,
  ReviewEscalationPayload,
  ReviewReminderPayload,
  SystemView,
  ThreadRef,
} from '../../flows';
import { loadRequestView, loadSystemView, loadSystemViews } from '../../flows';
import type { SlackDelivererDeps } from './deliverer';
import { personUserId, policyChannel, postedCopies, postedFor, recipientOf, recordPosted } from './job-targets';
import { postOnce } from './post-once';
import type { SlackMessage } from './render-request';
import { renderApprovalEscalation, renderApprovalReminder, renderReviewEscalation, renderReviewReminder } from './render-reminders';
import { isGoneMessage } from './web-errors';
import { esc, slackUserId } from './mrkdwn';

const done: DeliveryResult = { ok: true };
const malformed = (row: OutboxRow): DeliveryResult => ({ ok: false, permanent: true, error: `${row.kind}: malformed payload` });

/** Posts one message of `row` (or adopts the copy an earlier attempt posted there). */
async function post(d: SlackDelivererDeps, row: OutboxRow, channel: string, msg: SlackMessage): Promise<{ channel: string; ts: string }> {
  const r = await postOnce(d, row)({ channel }, msg);
  return { channel: r.channel, ts: r.ts };
}

/** The open review of a reminder, or null when it was done since. */
async function openReview(d: SlackDelivererDeps, reviewId: number): Promise<boolean> {
  const [r] = await d.deps.db.select({ status: reviews.status }).from(reviews).where(eq(reviews.id, reviewId));
  return r?.status === 'open';
}

/** What a review reminder checks and shows, read ahead for a claimed batch. */
export interface ReminderFacts {
  open: boolean;
  system: SystemView | null;
  /** The owner's Slack user id, or null when the owner is not a Slack user. */
  user: string | null;
}

/**
 * Reads what the `review.reminder` rows of a claimed batch need with a few set-based queries
 * (review states, system views per workspace, owners), instead of five queries per row.
 */
export async function prepareReviewReminders(d: SlackDelivererDeps, rows: readonly OutboxRow[]): Promise<Map<number, ReminderFacts>> {
  const mine = rows.filter((r) => {
    const p = r.payload as Partial<ReviewReminderPayload>;
    return r.kind === 'review.reminder' && typeof p.reviewId === 'number' && typeof p.systemId === 'number' && typeof recipientOf(r).person === 'number';
  });
  const out = new Map<number, ReminderFacts>();
  if (mine.length === 0) return out;
  const payload = (r: OutboxRow) => r.payload as ReviewReminderPayload;
  const systemsBy = new Map<number, number[]>();
  for (const r of mine) systemsBy.set(r.workspaceId, [...(systemsBy.get(r.workspaceId) ?? []), payload(r).systemId]);
  const db = d.deps.db;
  const [states, owners, ...views] = await Promise.all([
    db.select({ id: reviews.id, status: reviews.status }).from(reviews).where(idIn(reviews.id, [...new Set(mine.map((r) => payload(r).reviewId))])),
    db.select({ id: people.id, platformId: people.platformId }).from(people).where(idIn(people.id, [...new Set(mine.map((r) => recipientOf(r).person!))])),
    ...[...systemsBy].map(([workspaceId, ids]) => loadSystemViews(db, workspaceId, ids).then((list) => ({ workspaceId, list }))),
  ]);
  const open = new Set(states.filter((s) => s.status === 'open').map((s) => s.id));
  const userOf = new Map(owners.map((o) => [o.id, slackUserId(o.platformId)]));
  const systems = new Map(views.flatMap(({ workspaceId, list }) => list.map((v) => [`${workspaceId}:${v.id}`, v] as const)));
  for (const r of mine) {
    const p = payload(r);
    out.set(r.id, { open: open.has(p.reviewId), system: systems.get(`${r.workspaceId}:${p.systemId}`) ?? null, user: userOf.get(recipientOf(r).person!) ?? null });
  }
  return out;
}

/**
 * `review.reminder`: the owner's review card in a DM, recorded as a copy of the review. `facts`
 * read ahead for the batch (see {@link prepareReviewReminders}) save the per-row look-ups.
 */
export async function deliverReviewReminder(d: SlackDelivererDeps, row: OutboxRow, facts?: ReminderFacts): Promise<DeliveryResult> {
  const p = row.payload as ReviewReminderPayload;
  const person = recipientOf(row).person;
  if (typeof p.reviewId !== 'number' || typeof p.systemId !== 'number' || typeof person !== 'number') return malformed(row);
  if ((await postedFor(d.deps, row)).length > 0) return done;
  if (!(facts ? facts.open : await openReview(d, p.reviewId))) return done;
  const system = facts ? facts.system : await loadSystemView(d.deps.db, row.workspaceId, p.systemId);
  if (!system || system.status !== 'approved') return done;
  const user = facts ? facts.user : await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the owner is not a Slack user' };
  const channel = await d.directory.dmChannel(user);
  const posted = await post(d, row, channel, renderReviewReminder(system, p, d.deps.policy.organization.timezone));
  const copy = { conversationId: posted.channel, messageId: posted.ts };
  // Recorded by the outbox together with the `sent` mark (one write for many reminders).
  return {
    ok: true,
    copies: postedCopies(row, { role: 'reminder', ...copy }, [
      { workspaceId: row.workspaceId, subjectType: 'review', subjectId: p.reviewId, platform: 'slack', role: 'reminder', ...copy },
    ]),
  };
}

/** `review.escalation`: compliance hears of an overdue review in the digest channel. */
export async function deliverReviewEscalation(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as ReviewEscalationPayload;
  if (typeof p.reviewId !== 'number' || !p.owner) return malformed(row);
  if ((await postedFor(d.deps, row)).length > 0) return done;
  if (!(await openReview(d, p.reviewId))) return done;
  const where = await policyChannel(d.deps, 'digest', row.workspaceId);
  if ('failure' in where) return where.failure;
  const posted = await post(d, row, where.channel, renderReviewEscalation(p, d.deps.policy.organization.timezone));
  await recordPosted(d.deps, row, { role: 'escalation', conversationId: posted.channel, messageId: posted.ts });
  return done;
}

/** A link to the request's thread in Slack, or null (another platform, or the message is gone). */
async function permalinkOf(d: SlackDelivererDeps, thread: ThreadRef | null): Promise<string | null> {
  if (!thread || thread.platform !== 'slack') return null;
  try {
    const r = await d.client.chat.getPermalink({ channel: thread.conversationId, message_ts: thread.messageId });
    return r.permalink ?? null;
  } catch (err) {
    // Without the link the reminder still says where to look.
    if (isGoneMessage(err)) return null;
    throw err;
  }
}

/** Whether the step is still waiting for a decision. */
async function stillPending(d: SlackDelivererDeps, row: OutboxRow, requestId: number, stepId: number): Promise<boolean> {
  const r = await loadRequestView(d.deps.db, d.deps.policy, row.workspaceId, requestId);
  return !!r && r.status === 'pending' && r.steps.some((s) => s.id === stepId && s.status === 'pending');
}

/**
 * `approval.reminder`: a DM to a known approver, or one post in the approvals channel mentioning
 * the members not known yet. Without an approvals channel, each member Slack can resolve gets a DM.
 */
export async function deliverApprovalReminder(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as ApprovalReminderPayload;
  if (typeof p.requestId !== 'number' || typeof p.stepId !== 'number' || !Array.isArray(p.approvers)) return malformed(row);
  const already = await postedFor(d.deps, row);
  if (!(await stillPending(d, row, p.requestId, p.stepId))) return done;
  const to = recipientOf(row);
  if (typeof to.person === 'number') {
    if (already.length > 0) return done;
    const user = await personUserId(d.deps, to.person);
    if (!user) return { ok: false, permanent: true, error: 'slack: the approver is not a Slack user' };
    const msg = renderApprovalReminder(p, 'person', new Map(), await permalinkOf(d, p.thread));
    const posted = await post(d, row, await d.directory.dmChannel(user), msg);
    await recordPosted(d.deps, row, { role: 'reminder', conversationId: posted.channel, messageId: posted.ts });
    return done;
  }
  const mentions = await d.directory.mentions(p.approvers);
  const permalink = await permalinkOf(d, p.thread);
  const where = await policyChannel(d.deps, 'approvals', row.workspaceId);
  if ('channel' in where) {
    if (already.length > 0) return done;
    const posted = await post(d, row, where.channel, renderApprovalReminder(p, 'channel', mentions, permalink));
    await recordPosted(d.deps, row, { role: 'reminder', conversationId: posted.channel, messageId: posted.ts });
    return done;
  }
  // No approvals channel: the members Slack knows get a DM each (those already sent are skipped).
  const users = [...mentions.values()].map((m) => /^<@([A-Z0-9]+)>$/.exec(m)?.[1]).filter((u): u is string => !!u);
  if (users.length === 0) return where.failure;
  for (const user of new Set(users)) {
    // Copies already posted are recorded under the DM channel id; compare with that one.
    const channel = already.length > 0 ? await d.directory.dmConversation(user) : await d.directory.dmChannel(user);
    if (already.some((m) => m.conversationId === channel)) continue;
    const posted = await post(d, row, channel, renderApprovalReminder(p, 'person', mentions, permalink));
    await recordPosted(d.deps, row, { role: 'reminder', conversationId: posted.channel, messageId: posted.ts });
  }
  return done;
}

/** `approval.escalation`: a stalled step, told once in the digest channel. */
export async function deliverApprovalEscalation(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as ApprovalEscalationPayload;
  if (typeof p.requestId !== 'number' || typeof p.stepId !== 'number' || !Array.isArray(p.approvers)) return malformed(row);
  if ((await postedFor(d.deps, row)).length > 0) return done;
  if (!(await stillPending(d, row, p.requestId, p.stepId))) return done;
  const where = await policyChannel(d.deps, 'digest', row.workspaceId);
  if ('failure' in where) return where.failure;
  const msg = renderApprovalEscalation(p, await d.directory.mentions(p.approvers), await permalinkOf(d, p.thread));
  const posted = await post(d, row, where.channel, msg);
  await recordPosted(d.deps, row, { role: 'escalation', conversationId: posted.channel, messageId: posted.ts });
  return done;
}

/**
 * `approval.stuck`: nobody can decide a step. The submitter hears it in a DM, compliance in the
 * digest channel; each copy is posted once.
 */
export async function deliverApprovalStuck(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<ApprovalStuckPayload>;
  if (typeof p.requestId !== 'number' || typeof p.text !== 'string') return malformed(row);
  if ((await postedFor(d.deps, row)).length > 0) return done;
  const msg: SlackMessage = { text: esc(p.text), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:octagonal_sign: ${esc(p.text)}` } }] };
  const to = recipientOf(row);
  let channel: string;
  if (typeof to.person === 'number') {
    const user = await personUserId(d.deps, to.person);
    if (!user) return { ok: false, permanent: true, error: 'slack: the submitter is not a Slack user' };
    channel = await d.directory.dmChannel(user);
  } else {
    const where = await policyChannel(d.deps, to.channel ?? 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    channel = where.channel;
  }
  const posted = await post(d, row, channel, msg);
  await recordPosted(d.deps, row, { role: 'stuck', conversationId: posted.channel, messageId: posted.ts });
  return done;
}
