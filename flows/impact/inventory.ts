/**
 * `inventory [filter]` (compliance only): the whole inventory in pages, filtered by class,
 * status, owner, department, `overdue` (review past due, or an open task past its due date) and
 * `unregistered` (tools found by discovery, AI-use surveys or channels, that nobody registered yet).
 */
import type { SQL } from 'drizzle-orm';
import { and, asc, count, eq, ilike, inArray, isNotNull, lt, or } from 'drizzle-orm';
import { aiSystems, people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { localDate } from '../jobs/time';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { SystemView } from '../views';
import { loadSystemViews } from '../views';
import type { InventoryFilter } from './inventory-filter';
import { filterText, parseInventoryFilter } from './inventory-filter';
import type { UnregisteredToolView } from '../discovery/unregistered';
import { unregisteredTools } from '../discovery/unregistered';

/** Systems per page (one line each: well within Slack's 50 blocks and a Teams card). */
export const INVENTORY_PAGE_SIZE = 20;

/** One page of the inventory. */
export interface InventoryPage {
  kind: 'inventory';
  systems: SystemView[];
  page: number;
  pages: number;
  total: number;
  /** The filter as understood, without the page ('' for none). */
  filter: string;
  /** The argument text of the next page's command (`class=high page=2`), or null on the last page. */
  next: string | null;
  /** A sentence instead of rows (e.g. no unregistered tools recorded). */
  note: string | null;
  /** With `unregistered`: the page's tools found by discovery and not registered (`systems` is empty). */
  unregistered?: UnregisteredToolView[];
}

/** Whether the actor is in the policy's compliance group. */
export function isCompliance(ctx: FlowContext): boolean {
  return isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Platform ids an owner filter can mean: a Slack mention, `@name`, or the id itself. */
function ownerConditions(ctx: FlowContext, typed: string): SQL {
  const mention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed);
  const bare = typed.replace(/^@/, '');
  if (mention) return eq(people.platformId, `slack:${mention[1]}`);
  // Case does not matter in names, emails or ids typed by hand.
  const ids = [bare, `${ctx.workspace.platform}:${bare}`].map((id) => ilike(people.platformId, escapeLike(id)));
  return or(...ids, ilike(people.displayName, escapeLike(bare)), ilike(people.email, escapeLike(bare)))!;
}

/** The page the filter text asks for; compliance only. */
export async function inventoryPage(ctx: FlowContext, text: string): Promise<InventoryPage | Refusal> {
  if (!isCompliance(ctx)) return refuse('not_authorised', 'Only compliance can see the whole inventory; "list" shows the tools you own or registered.');
  const parsed = parseInventoryFilter(text);
  if (!parsed.ok) return refuse('invalid', parsed.message);
  const f = parsed.filter;
  const base = { kind: 'inventory' as const, page: f.page, filter: filterText(f), next: null };
  if (f.unregistered) return unregisteredPage(ctx, f.page, base);
  const where = await conditions(ctx, f);
  const db = ctx.deps.db;
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(aiSystems).innerJoin(people, eq(people.id, aiSystems.ownerId)).where(where);
  const pages = Math.max(1, Math.ceil(n / INVENTORY_PAGE_SIZE));
  if (f.page > pages) return refuse('invalid', `There ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of ${n} tool${n === 1 ? '' : 's'}; page ${f.page} does not exist.`);
  const rows = await db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .where(where)
    .orderBy(asc(aiSystems.refNumber))
    .limit(INVENTORY_PAGE_SIZE)
    .offset((f.page - 1) * INVENTORY_PAGE_SIZE);
  const systems = await loadSystemViews(db, ctx.workspace.id, rows.map((r) => r.id));
  const next = f.page < pages ? [base.filter, `page=${f.page + 1}`].filter(Boolean).join(' ') : null;
  return { ...base, systems, pages, total: n, next, note: n === 0 ? 'No tools match this filter.' : null };
}

async function conditions(ctx: FlowContext, f: InventoryFilter): Promise<SQL> {
  const now = ctx.deps.clock.now();
  const today = localDate(now, ctx.deps.policy.organization.timezone);
  const list: SQL[] = [eq(aiSystems.workspaceId, ctx.workspace.id)];
  if (f.classes.length) list.push(inArray(aiSystems.riskClass, f.classes));
  if (f.statuses.length) list.push(inArray(aiSystems.status, f.statuses));
  if (f.owner) list.push(ownerConditions(ctx, f.owner));
  if (f.department) list.push(ilike(aiSystems.department, escapeLike(f.department)));
  if (f.overdue) {
    const reviewOverdue = and(eq(aiSystems.status, 'approved'), isNotNull(aiSystems.nextReviewAt), lt(aiSystems.nextReviewAt, now))!;
    // An uncorrelated IN: Postgres hashes the overdue tasks' systems once (a correlated EXISTS
    // under the OR ran once per system).
    const taskOverdue = inArray(
      aiSystems.id,
      ctx.deps.db
        .select({ id: tasks.systemId })
        .from(tasks)
        .where(and(eq(tasks.workspaceId, ctx.workspace.id), eq(tasks.status, 'open'), lt(tasks.dueDate, today), isNotNull(tasks.systemId))),
    );
    list.push(or(reviewOverdue, taskOverdue)!);
  }
  return and(...list)!;
}

/** `inventory unregistered`: tools found by discovery and not registered, most named first. */
async function unregisteredPage(ctx: FlowContext, page: number, base: Pick<InventoryPage, 'kind' | 'page' | 'filter' | 'next'>): Promise<InventoryPage | Refusal> {
  const all = await unregisteredTools(ctx.deps.db, ctx.workspace.id, 100_000);
  const pages = Math.max(1, Math.ceil(all.length / INVENTORY_PAGE_SIZE));
  if (page > pages) return refuse('invalid', `There ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of ${all.length} unregistered tool${all.length === 1 ? '' : 's'}; page ${page} does not exist.`);
  const shown = all.slice((page - 1) * INVENTORY_PAGE_SIZE, page * INVENTORY_PAGE_SIZE);
  const next = page < pages ? [base.filter, `page=${page + 1}`].filter(Boolean).join(' ') : null;
  const note =
    all.length === 0
      ? 'No unregistered tools recorded: discovery (AI-use surveys and, when turned on, channel discovery) has found none that are not registered.'
      : 'Found by discovery and not registered yet; each leaves this list once it is registered.';
  return { ...base, systems: [], pages, total: all.length, next, note, unregistered: shown };
}
