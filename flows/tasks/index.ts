/** Tasks (spec/aims.md): obligations of approved systems as tasks, `tasks`, Done / Not applicable, reminders, export. */
export { WORKSPACE_DUTIES, ORGANISATION_GROUP, obligationKey, obligationDue, addDays, syncObligationTasks } from './obligations';
export { completeTask, markTaskNotApplicable, closableTask, mayClose, evidenceProblem, reasonProblem, closedPhrase, EVIDENCE_MAX, TASK_REASON_MAX } from './close';
export type { TaskCloseResult, TaskNotApplicablePayload } from './close';
export { listTasks, parseTaskScope, taskLine, emptyTaskListText, groupsOf, TASK_LIST_LIMIT } from './list';
export type { TaskListView, TaskScope } from './list';
export { loadTaskViews, loadTaskView } from './view';
export type { TaskView } from './view';
export { runTaskReminders } from './reminders';
export type { TaskReminderPayload, TaskEscalationPayload } from './reminders';
export { taskRecordPages, TASK_COLUMNS } from './export';
export type { TaskRecord } from './export';
export { taskDigest, taskDigestLines, TASK_DIGEST_TOP, TASK_DIGEST_NA_LIMIT } from './digest';
export type { TaskDigest, TaskDigestItem } from './digest';
