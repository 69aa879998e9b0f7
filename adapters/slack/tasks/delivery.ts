/**
 * Delivery of the task notifications: `task.reminder` to the assignee's DM (or the digest
 * channel for a group's task) with the Done / Not applicable buttons, `task.escalation` and
 * `task.not_applicable` to the digest channel. A task closed since is not chased; each post is
 * recorded so a retry never posts twice.
 */
import type { DeliveryResult, OutboxRow, TaskReminderPayload } from '../../../flows';
import { taskIsOpen } from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { personUserId, policyChannel, postedFor, recipientOf, recordPosted } from '../job-targets';
import { postOnce } from '../post-once';
import type { SlackMessage } from '../render-request';
import { renderTaskNotice, renderTaskReminder } from './render-tasks';

const done: DeliveryResult = { ok: true };

async function postTo(d: SlackDelivererDeps, row: OutboxRow, channel: string, msg: SlackMessage, role: string): Promise<DeliveryResult> {
  const posted = await postOnce(d, row)({ channel }, msg);
  await recordPosted(d.deps, row, { role, conversationId: posted.channel, messageId: posted.ts });
  return done;
}

/** Delivers `task.reminder`, `task.escalation` and `task.not_applicable`; null for other kinds. */
export async function deliverTaskNotification(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult | null> {
  if (!row.kind.startsWith('task.')) return null;
  const p = row.payload as Record<string, unknown>;
  if ((await postedFor(d.deps, row)).length > 0) return done;
  if (row.kind !== 'task.not_applicable' && !(await taskIsOpen(d.deps.db, row.workspaceId, p.taskId))) return done;
  const to = recipientOf(row);
  let channel: string;
  if (typeof to.person === 'number') {
    const user = await personUserId(d.deps, to.person);
    if (!user) return { ok: false, permanent: true, error: 'slack: the assignee is not a Slack user' };
    channel = await d.directory.dmChannel(user);
  } else {
    const where = await policyChannel(d.deps, 'digest', row.workspaceId);
    if ('failure' in where) return where.failure;
    channel = where.channel;
  }
  if (row.kind === 'task.reminder') return postTo(d, row, channel, renderTaskReminder(p as TaskReminderPayload), 'reminder');
  return postTo(d, row, channel, renderTaskNotice(typeof p.text === 'string' ? p.text : row.kind), row.kind === 'task.escalation' ? 'escalation' : 'notice');
}
