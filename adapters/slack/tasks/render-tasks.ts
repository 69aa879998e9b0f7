/**
 * Block Kit for tasks: the `tasks` list (each task with Done and Not applicable buttons), the
 * two modals (`task.done` with the input `evidence`, `task.not_applicable` with `reason`), and a
 * reminder. All user text goes through the one mrkdwn escape.
 */
import type { types } from '@slack/bolt';
import type { TaskListView, TaskReminderPayload, TaskView } from '../../../flows';
import * as flows from '../../../flows';
import type { Block } from '../blocks';
import { button, context, LIMITS, limitBlocks, plain, section } from '../blocks';
import { esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** Button action ids and modal callback ids (spec/aims.md). */
export const TASK_ACTIONS = { done: 'task.done', notApplicable: 'task.not_applicable' } as const;

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One task as mrkdwn: ref, title, system, assignee, due date, overdue marked. */
export function taskText(t: TaskView): string {
  const on = t.system ? ` · ${esc(t.system.ref)} ${esc(t.system.name)}` : '';
  const late = t.overdueDays > 0 ? ` · :warning: *overdue by ${plural(t.overdueDays, 'day')}*` : '';
  return `*${esc(t.ref)}* ${esc(t.title)}${on}\nfor ${esc(t.assigneeLabel)} · due ${esc(t.dueDate)}${late}${t.detail ? `\n${esc(t.detail)}` : ''}`;
}

/** The Done / Not applicable buttons of a task (value = its ref). */
export function taskButtons(ref: string): Block {
  return { type: 'actions', block_id: `task:${ref}`, elements: [button('Done', TASK_ACTIONS.done, ref, 'primary'), button('Not applicable', TASK_ACTIONS.notApplicable, ref)] };
}

/** The reply to `/aims tasks`. */
export function renderTaskList(v: TaskListView): SlackMessage {
  const title = v.scope === 'mine' ? 'Your open tasks' : v.scope === 'all' ? 'All open tasks' : 'Overdue tasks';
  if (v.items.length === 0) return { text: flows.emptyTaskListText(v.scope), blocks: [section(flows.emptyTaskListText(v.scope))] };
  const blocks: Block[] = [section(`*${title}*, soonest first`)];
  for (const t of v.items) blocks.push(section(taskText(t)), taskButtons(t.ref));
  if (v.more) blocks.push(context(`… and ${v.more} more`));
  return { text: `${title}: ${v.items.length}${v.more ? '+' : ''}`, blocks: limitBlocks(blocks) };
}

/** The modal behind a button: evidence for Done, a reason for Not applicable. */
export function taskModal(which: 'done' | 'not_applicable', t: TaskView, meta: { channel?: string | undefined; thread?: string | undefined }): types.ModalView {
  const done = which === 'done';
  return {
    type: 'modal',
    callback_id: done ? TASK_ACTIONS.done : TASK_ACTIONS.notApplicable,
    title: plain(done ? `Done: ${t.ref}` : `Not applicable: ${t.ref}`, LIMITS.modalTitle),
    submit: plain(done ? 'Mark done' : 'Not applicable', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ ref: t.ref, ...meta }),
    blocks: [
      section(taskText(t)),
      {
        type: 'input',
        block_id: done ? 'evidence' : 'reason',
        label: plain(done ? 'Evidence: a link or a note' : 'Why does it not apply?', LIMITS.label),
        hint: plain(done ? 'An https:// link to the document, or what was done.' : 'Compliance will see the reason.', LIMITS.hint),
        element: { type: 'plain_text_input', action_id: done ? 'evidence' : 'reason', multiline: true, max_length: done ? flows.EVIDENCE_MAX : flows.TASK_REASON_MAX },
      },
    ],
  };
}

/** A reminder: the task with its buttons and how late it is. */
export function renderTaskReminder(p: TaskReminderPayload): SlackMessage {
  const on = p.system ? ` of ${esc(p.system.ref)} ${esc(p.system.name)}` : '';
  const when = p.overdueDays > 0 ? `:warning: overdue by ${plural(p.overdueDays, 'day')} (due ${esc(p.dueDate)})` : p.dueInDays > 0 ? `due in ${plural(p.dueInDays, 'day')} (${esc(p.dueDate)})` : 'due today';
  const notes = [p.escalated ? 'Compliance has been told that this task is overdue.' : '', p.reminderNumber > 1 ? `Reminder ${p.reminderNumber}.` : ''].filter(Boolean);
  const lead = `Task *${esc(p.ref)}* ${esc(p.title)}${on}${p.group ? ` for ${esc(p.group)}` : ''} is ${when}. Mark it done with evidence, or not applicable with a reason.`;
  const blocks: Block[] = [section(lead), ...(notes.length ? [context(notes.join(' '))] : []), taskButtons(p.ref)];
  return { text: `Task ${esc(p.ref)} ${esc(p.title)} is ${p.overdueDays > 0 ? 'overdue' : 'due'}`, blocks };
}

/** A plain sentence of a payload (`text`) for the digest channel: escalations, not-applicable notices. */
export function renderTaskNotice(text: string): SlackMessage {
  return { text: esc(text), blocks: [section(esc(text))] };
}
