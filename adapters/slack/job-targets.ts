/**
 * Where the scheduled jobs' notifications go in Slack (a person's DM, the digest or approvals
 * channel of the policy) and what was already posted for a notification, so a retry after a
 * partial failure skips the messages that went out.
 */
import { eq } from 'drizzle-orm';
import { people, workspaces } from '../../db/schema';
import type { DeliveryResult, FlowDeps, MessageCopy, OutboxRow, StoredMessage } from '../../flows';
import { messagesOf, recordMessages, slackChannelOf } from '../../flows';
import { slackUserId } from './mrkdwn';

/** Subject type of the copies recorded per notification (subject id = the outbox row id). */
export const NOTIFICATION_SUBJECT = 'notification';

/** A channel of the policy, or why there is none. */
export type ChannelTarget = { channel: string } | { failure: DeliveryResult };

/**
 * The Slack channel of a channel recipient in the workspace of the notification: `approvals` →
 * `channels.approvals.slack`; `digest` → `channels.digest.slack`, falling back to the approvals
 * channel. When the policy names channels per Slack team, the workspace's team picks its own.
 */
export async function policyChannel(deps: FlowDeps, which: 'approvals' | 'digest', workspaceId: number): Promise<ChannelTarget> {
  const perTeam = (['approvals', 'digest'] as const).some((w) => typeof deps.policy.channels[w]?.slack === 'object');
  const team = perTeam ? await slackTeamOf(deps.db, workspaceId) : null;
  const pick = (w: 'approvals' | 'digest') => slackChannelOf(deps.policy, w, team);
  const channel = which === 'digest' ? (pick('digest') ?? pick('approvals')) : pick('approvals');
  if (channel) return { channel };
  const error = perTeam
    ? `no ${which} channel for Slack team ${team ?? '(unknown)'}: add it under channels.${which}.slack`
    : `no ${which} channel configured for slack: set channels.${which}.slack`;
  return { failure: { ok: false, permanent: true, error } };
}

/** Slack team ids of workspaces, by database handle; a workspace's team never changes. */
const teams = new WeakMap<object, Map<number, string | null>>();

/** The Slack team id of a workspace (its external id), or null when it is not a Slack workspace. */
export async function slackTeamOf(db: FlowDeps['db'], workspaceId: number): Promise<string | null> {
  let known = teams.get(db);
  if (!known) teams.set(db, (known = new Map()));
  const hit = known.get(workspaceId);
  if (hit !== undefined) return hit;
  const [w] = await db.select({ platform: workspaces.platform, externalId: workspaces.externalId }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const team = w?.platform === 'slack' ? w.externalId : null;
  if (w) known.set(workspaceId, team);
  return team;
}

/** The Slack user id of a `{person}` recipient, or null when that person is not a Slack user. */
export async function personUserId(deps: FlowDeps, personId: number): Promise<string | null> {
  const [p] = await deps.db.select({ platformId: people.platformId }).from(people).where(eq(people.id, personId));
  return p ? slackUserId(p.platformId) : null;
}

/** The `{person}` or `{channel}` of a row. */
export function recipientOf(row: OutboxRow): { person?: number; channel?: 'approvals' | 'digest' } {
  return (row.recipient ?? {}) as { person?: number; channel?: 'approvals' | 'digest' };
}

/** The Slack copies already posted for this notification. */
export async function postedFor(deps: FlowDeps, row: OutboxRow, subjectType: string = NOTIFICATION_SUBJECT): Promise<StoredMessage[]> {
  // Copies are recorded only by an attempt of this very row; a row never attempted (no failed
  // attempt, not taken over from one that may have posted) has none, so there is nothing to read.
  if (row.attempts === 0 && !row.reclaimed) return [];
  return (await messagesOf(deps.db, row.workspaceId, subjectType, row.id)).filter((m) => m.platform === 'slack');
}

/**
 * The copies to record for one posted message of a notification (and any other copies), to hand
 * back with the delivery result: the outbox records them with the `sent` mark, in one statement.
 */
export function postedCopies(
  row: OutboxRow,
  posted: { role: string; conversationId: string; messageId: string; threadId?: string | null },
  also: MessageCopy[] = [],
  subjectType: string = NOTIFICATION_SUBJECT,
): MessageCopy[] {
  return [{ workspaceId: row.workspaceId, subjectType, subjectId: row.id, platform: 'slack', ...posted }, ...also];
}

/** Records one posted message of a notification (and, in the same transaction, any other copies). */
export async function recordPosted(
  deps: FlowDeps,
  row: OutboxRow,
  posted: { role: string; conversationId: string; messageId: string; threadId?: string | null },
  also: MessageCopy[] = [],
  subjectType: string = NOTIFICATION_SUBJECT,
): Promise<void> {
  // One statement, so all copies are recorded or none, without a transaction's extra round trips.
  await recordMessages(deps.db, postedCopies(row, posted, also, subjectType), deps.clock.now());
}
