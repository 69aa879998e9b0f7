/**
 * Teams cards for tasks: the `tasks` list (each task with Done and Not applicable), the card of
 * one task asking for the evidence (`evidence`) or the reason (`reason`), and the reminder card.
 * Action data carries `action: task.done | task.not_applicable` and `ref`; user text is escaped
 * by the card kit (plain strings) or the `markdown` tag.
 */
import type { TaskListView, TaskReminderPayload, TaskView } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, executeAction, heading, markdown, messageCard, textBlock } from '../card-kit';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One task as card text: ref and title bold, system, assignee, due date, overdue marked. */
function taskBlocks(t: TaskView): CardJson[] {
  const late = t.overdueDays > 0 ? ` · ⚠️ overdue by ${plural(t.overdueDays, 'day')}` : '';
  return [
    textBlock(markdown`**${t.ref}** ${t.title}${t.system ? markdown` · ${t.system.ref} ${t.system.name}` : ''}`, { spacing: 'Medium' }),
    textBlock(`for ${t.assigneeLabel} · due ${t.dueDate}${late}${t.detail ? ` · ${t.detail}` : ''}`, { isSubtle: true, spacing: 'None' }),
  ];
}

function buttons(ref: string): CardJson {
  return {
    type: 'ActionSet',
    actions: [
      executeAction('Done', { action: 'task.done', ref }, { style: 'positive', associatedInputs: 'none' }),
      executeAction('Not applicable', { action: 'task.not_applicable', ref }, { associatedInputs: 'none' }),
    ],
  };
}

/** The reply to `tasks`. */
export function taskListCard(v: TaskListView): CardJson {
  if (v.items.length === 0) return messageCard(flows.emptyTaskListText(v.scope));
  const title = v.scope === 'mine' ? 'Your open tasks' : v.scope === 'all' ? 'All open tasks' : 'Overdue tasks';
  const body: CardJson[] = [heading(title)];
  for (const t of v.items) body.push(...taskBlocks(t), buttons(t.ref));
  if (v.more) body.push(textBlock(`… and ${v.more} more`, { isSubtle: true }));
  return adaptiveCard(body);
}

/** The card of one task asking for the evidence (Done) or the reason (Not applicable). */
export function taskCloseCard(which: 'done' | 'not_applicable', t: TaskView, error?: string): CardJson {
  const done = which === 'done';
  const body: CardJson[] = [
    heading(done ? `Done: ${t.ref}` : `Not applicable: ${t.ref}`),
    ...taskBlocks(t),
    {
      type: 'Input.Text',
      id: done ? 'evidence' : 'reason',
      label: done ? 'Evidence: an https:// link or a note on what was done' : 'Why does it not apply? (compliance will see it)',
      isMultiline: true,
      maxLength: done ? flows.EVIDENCE_MAX : flows.TASK_REASON_MAX,
    },
  ];
  if (error) body.push(textBlock(error, { color: 'Attention' }));
  return adaptiveCard(body, { actions: [executeAction(done ? 'Mark done' : 'Not applicable', { action: done ? 'task.done' : 'task.not_applicable', ref: t.ref, submit: true }, done ? { style: 'positive' } : {})] });
}

/** The reminder of a task, with its buttons. */
export function taskReminderCard(p: TaskReminderPayload): CardJson {
  const when = p.overdueDays > 0 ? `⚠️ overdue by ${plural(p.overdueDays, 'day')} (due ${p.dueDate})` : p.dueInDays > 0 ? `due in ${plural(p.dueInDays, 'day')} (${p.dueDate})` : 'due today';
  const body: CardJson[] = [
    textBlock(markdown`Task **${p.ref}** ${p.title}${p.system ? markdown` of ${p.system.ref} ${p.system.name}` : ''}${p.group ? markdown` for ${p.group}` : ''} is ${when}.`),
    textBlock('Mark it done with evidence, or not applicable with a reason.'),
  ];
  if (p.escalated) body.push(textBlock('Compliance has been told that this task is overdue.', { isSubtle: true }));
  if (p.reminderNumber > 1) body.push(textBlock(`Reminder ${p.reminderNumber}.`, { isSubtle: true }));
  body.push(buttons(p.ref));
  return adaptiveCard(body);
}
