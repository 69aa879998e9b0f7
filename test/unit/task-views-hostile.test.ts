/** Every task view rendered with hostile text (titles, system names, assignees, evidence): nothing acts in Slack or Teams. */
import { describe, expect, it } from 'vitest';
import type { TaskListView, TaskReminderPayload, TaskView } from '../../flows';
import { renderTaskList, renderTaskNotice, renderTaskReminder, taskModal } from '../../adapters/slack/tasks/render-tasks';
import { taskCloseCard, taskListCard, taskReminderCard } from '../../adapters/teams/tasks/cards';
import { cardHazards, cardShows, HOSTILE, HOSTILE_TEXT, slackHazards } from '../helpers/hostile-text';

const task: TaskView = {
  id: 1,
  ref: 'T-1',
  taskKind: 'obligation',
  title: HOSTILE,
  detail: HOSTILE,
  system: { id: 1, ref: 'AI-1', name: HOSTILE },
  assigneeId: 1,
  assigneePlatformId: 'slack:U1',
  assigneeGroup: null,
  assigneeLabel: HOSTILE,
  dueDate: '2026-12-02',
  status: 'open',
  overdueDays: 3,
  evidence: null,
  reason: null,
  closedBy: null,
  closedOn: null,
  createdAt: new Date(),
};
const list: TaskListView = { scope: 'mine', today: '2026-12-05', items: [task, { ...task, id: 2, ref: 'T-2', system: null }], more: 0 };
const reminder: TaskReminderPayload = { taskId: 1, ref: 'T-1', title: HOSTILE, system: { ref: 'AI-1', name: HOSTILE }, group: null, dueDate: '2026-12-02', overdueDays: 3, dueInDays: 0, reminderNumber: 2, escalated: true, text: HOSTILE_TEXT };
// Only our own formatting may stay live in Slack: none of it uses angle brackets.
const NONE = /^$/;

describe('task views with hostile text', () => {
  it('Slack: the list, the reminder, the notice and the modal escape every user string', () => {
    for (const m of [renderTaskList(list), renderTaskReminder(reminder), renderTaskNotice(HOSTILE_TEXT), { blocks: taskModal('done', task, {}).blocks }]) {
      expect(slackHazards(m, NONE)).toEqual([]);
    }
    expect(JSON.stringify(renderTaskList(list).blocks)).toContain('&lt;!channel&gt;');
  });

  it('Teams: the list, the close card and the reminder show the text as typed and nothing of it acts', () => {
    for (const card of [taskListCard(list), taskCloseCard('not_applicable', task, HOSTILE), taskReminderCard(reminder)]) {
      expect(cardHazards(card)).toEqual([]);
      expect(cardShows(card, '<!channel>')).toBe(true);
    }
  });
});
