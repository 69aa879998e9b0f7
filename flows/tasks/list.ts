/**
 * `tasks`: my open tasks — mine and my groups' — soonest first, overdue ones marked. Compliance
 * may ask for `all` open tasks of the workspace or only the `overdue` ones.
 */
import { and, count, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { tasks } from '../../db/schema-aims';
import { localDate } from '../jobs/time';
import { isGroupMember } from '../policy';
import type { Policy } from '../policy';
import type { FlowContext, Person } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { ORGANISATION_GROUP } from './obligations';
import type { TaskView } from './view';
import { loadTaskViews } from './view';

/** Tasks shown in one reply (Slack allows 50 blocks a message; each task takes two). */
export const TASK_LIST_LIMIT = 20;

/** Which tasks a `tasks` reply lists. */
export type TaskScope = 'mine' | 'all' | 'overdue';

/** The reply to `tasks`. */
export interface TaskListView {
  scope: TaskScope;
  /** Local `YYYY-MM-DD` the list was made on. */
  today: string;
  /** At most {@link TASK_LIST_LIMIT}, soonest due first. */
  items: TaskView[];
  /** How many more open tasks the scope holds beyond `items`. */
  more: number;
}

/** The groups of the policy the person belongs to. */
export function groupsOf(policy: Policy, person: Pick<Person, 'platformId' | 'email'>): string[] {
  return Object.keys(policy.groups).filter((g) => isGroupMember(policy, g, person.platformId, person.email));
}

/** Parses the argument of `tasks`: nothing (mine), `all` or `overdue`. */
export function parseTaskScope(arg: string): TaskScope | null {
  const a = arg.trim().toLowerCase();
  if (a === '' || a === 'mine' || a === 'my') return 'mine';
  if (a === 'all' || a === 'overdue') return a;
  return null;
}

/** My open tasks, or for compliance all or the overdue open tasks. */
export async function listTasks(ctx: FlowContext, arg = ''): Promise<TaskListView | Refusal> {
  const scope = parseTaskScope(arg);
  if (scope === null) return refuse('invalid', `"${arg.trim().slice(0, 20)}" is not a task list; use tasks, tasks all or tasks overdue.`);
  const { policy, clock, db } = ctx.deps;
  if (scope !== 'mine' && !isGroupMember(policy, ORGANISATION_GROUP, ctx.actor.platformId, ctx.actor.email)) {
    return refuse('not_authorised', `Only compliance can list ${scope === 'all' ? 'all tasks' : 'the overdue tasks of everyone'}; tasks shows yours.`);
  }
  const tz = policy.organization.timezone;
  const today = localDate(clock.now(), tz);
  const conditions: SQL[] = [eq(tasks.status, 'open')];
  if (scope === 'mine') {
    const groups = groupsOf(policy, ctx.actor);
    const mine = groups.length ? or(eq(tasks.assigneeId, ctx.actor.id), and(isNull(tasks.assigneeId), inArray(tasks.assigneeGroup, groups))) : eq(tasks.assigneeId, ctx.actor.id);
    conditions.push(mine!);
  }
  if (scope === 'overdue') conditions.push(lt(tasks.dueDate, today));
  const where = and(...conditions);
  const items = await loadTaskViews(db, ctx.workspace.id, where, today, tz, TASK_LIST_LIMIT);
  const [total] = await db.select({ n: count() }).from(tasks).where(and(eq(tasks.workspaceId, ctx.workspace.id), where));
  return { scope, today, items, more: Math.max(0, (total?.n ?? 0) - items.length) };
}

/** One task as a plain line, for the shell and notification texts: `T-4 · Title · AI-3 "Name" · due 2027-12-02 (3 days overdue)`. */
export function taskLine(t: TaskView): string {
  const on = t.system ? ` · ${t.system.ref} "${t.system.name}"` : '';
  const late = t.overdueDays > 0 ? ` (${t.overdueDays} day${t.overdueDays === 1 ? '' : 's'} overdue)` : '';
  return `${t.ref} · ${t.title}${on} · ${t.assigneeLabel} · due ${t.dueDate}${late}`;
}

/** What an empty list says. */
export function emptyTaskListText(scope: TaskScope): string {
  return scope === 'mine' ? 'You have no open tasks.' : scope === 'all' ? 'There are no open tasks.' : 'No task is overdue.';
}
