/**
 * What the Teams deliverer does differently for task notifications (the rest is its generic
 * path: the payload's text to the person or channel): a reminder is the task's card with its
 * buttons, and a reminder or escalation of a task closed since the job ran is not sent.
 */
import type { Db } from '../../../db/client';
import type { OutboxRow, TaskReminderPayload } from '../../../flows';
import { taskIsOpen } from '../../../flows';
import type { CardJson } from '../card-kit';
import { taskReminderCard } from './cards';

/** The card of a `task.reminder`, or null for other kinds. */
export function taskNotificationCard(row: OutboxRow): CardJson | null {
  return row.kind === 'task.reminder' ? taskReminderCard(row.payload as TaskReminderPayload) : null;
}

/** Whether the row chases a task that is no longer open (reminders and escalations only). */
export async function taskClosedSince(db: Db, row: OutboxRow): Promise<boolean> {
  if (row.kind !== 'task.reminder' && row.kind !== 'task.escalation') return false;
  const id = (row.payload as { taskId?: unknown }).taskId;
  if (typeof id !== 'number') return false;
  return !(await taskIsOpen(db, row.workspaceId, id));
}
