/**
 * The compliance dashboard as neutral sections of plain-text lines, so the Slack App Home, the
 * Teams `home` card and the shell show the same thing. Lines mix our words with user text (tool
 * names, task titles), so adapters escape each whole line for their platform.
 */
import { localDay, SYSTEM_STATUS_LABEL } from '../display';
import type { SystemView } from '../views';
import { RISK_CLASS_LABEL } from '../views';
import type { ComplianceDashboard } from './dashboard';

/** One part of the dashboard. */
export interface DashboardSection {
  title: string;
  lines: string[];
  /** Shown instead of lines when there are none. */
  empty: string;
  /** Shown under the lines when the list was capped: how many more. */
  more: string | null;
}

const classWord = (k: string) => (k in RISK_CLASS_LABEL ? RISK_CLASS_LABEL[k as keyof typeof RISK_CLASS_LABEL] : 'not classified yet');
const statusWord = (k: string) => (k in SYSTEM_STATUS_LABEL ? SYSTEM_STATUS_LABEL[k as SystemView['status']] : k.replace(/_/g, ' '));
const moreOf = (count: number, shown: number, how: string) => (count > shown ? `…and ${count - shown} more; ${how}` : null);

/** The dashboard's sections, dates in `tz`. */
export function dashboardSections(d: ComplianceDashboard, tz: string): DashboardSection[] {
  return [
    {
      title: `AI systems (${d.total})`,
      lines: [
        `By class (in use or under approval): ${d.byClass.map((t) => `${classWord(t.key)} ${t.count}`).join(' · ') || 'none'}`,
        `By status: ${d.byStatus.map((t) => `${statusWord(t.key)} ${t.count}`).join(' · ') || 'none'}`,
      ],
      empty: 'No AI systems registered yet.',
      more: null,
    },
    {
      title: `Untreated high risks (${d.untreatedHighRisks.count})`,
      lines: d.untreatedHighRisks.items.map((r) => `${r.ref} ${r.systemName}: ${r.description} — score ${r.score}, ${r.status}`),
      empty: `No high-risk system has an untreated risk scored ${d.acceptBelow} or more.`,
      more: moreOf(d.untreatedHighRisks.count, d.untreatedHighRisks.items.length, 'see "export risks".'),
    },
    {
      title: `Overdue tasks (${d.overdueTasks.count})`,
      lines: d.overdueTasks.items.map((t) => `${t.ref} ${t.title}${t.systemRef ? ` (${t.systemRef})` : ''} — due ${t.dueDate}${t.assignee ? `, ${t.assignee}` : ''}`),
      empty: 'No overdue tasks.',
      more: moreOf(d.overdueTasks.count, d.overdueTasks.items.length, 'see "inventory overdue".'),
    },
    {
      title: `Overdue reviews (${d.overdueReviews.count})`,
      lines: d.overdueReviews.items.map((r) => `${r.ref} ${r.name} — review due ${localDay(r.dueAt, tz)}, owner ${r.owner}`),
      empty: 'No overdue reviews.',
      more: moreOf(d.overdueReviews.count, d.overdueReviews.items.length, 'see "inventory overdue".'),
    },
  ];
}
