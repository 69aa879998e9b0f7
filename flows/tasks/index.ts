/**
 * Tasks (spec/aims.md): obligations of approved systems as tasks, `tasks`, Done / Not applicable,
 * the task-reminders job, `export tasks` and the tasks part of the weekly digest.
 *
 * Notifications written here, and what each adapter's deliverer does with them (every payload
 * has a plain `text`):
 * - `task.reminder` → {person: assignee} or {channel: 'digest'} for a group's task: the task
 *   with Done / Not applicable (Slack action ids and Teams `data.action` `task.done`,
 *   `task.not_applicable`, value / `ref` = `T-n`); see {@link TaskReminderPayload}.
 * - `task.escalation` → {channel: 'digest'}: an overdue task, once ({@link TaskEscalationPayload}).
 * - `task.not_applicable` → {channel: 'digest'}: a task marked not applicable, with who and why
 *   ({@link TaskNotApplicablePayload}).
 */
export { WORKSPACE_DUTIES, ORGANISATION_GROUP, obligationKey, obligationDue, addDays, syncObligationTasks } from './obligations';
export { completeTask, markTaskNotApplicable, closableTask, mayClose, evidenceProblem, reasonProblem, closedPhrase, EVIDENCE_MAX, TASK_REASON_MAX } from './close';
export type { TaskCloseResult, TaskNotApplicablePayload } from './close';
export { listTasks, parseTaskScope, taskLine, emptyTaskListText, groupsOf, TASK_LIST_LIMIT } from './list';
export type { TaskListView, TaskScope } from './list';
export { loadTaskViews, loadTaskView, taskIsOpen } from './view';
export type { TaskView } from './view';
export { runTaskReminders } from './reminders';
export type { TaskReminderPayload, TaskEscalationPayload } from './reminders';
export { taskRecordPages, TASK_COLUMNS } from './export';
export type { TaskRecord } from './export';
export { taskDigest, taskDigestLines, TASK_DIGEST_TOP, TASK_DIGEST_NA_LIMIT } from './digest';
export type { TaskDigest, TaskDigestItem } from './digest';
