/**
 * Who may act on a nonconformity and the neutral view every adapter renders (`nc NC-7`): its
 * stage, containment, root cause, corrective actions (tasks with status), the effectiveness
 * check, and which buttons the viewer may use. The owner and compliance act; anyone in the
 * workspace can read it. Another workspace's NC is "not found".
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { nonconformities } from '../../db/schema-improve';
import { localDay } from '../display';
import { isGroupMember } from '../policy';
import type { Policy } from '../policy';
import type { FlowContext, Person } from '../ports';
import { ncRef, parseNcRef, taskRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { systemRef } from '../views';
import type { NcRow } from './open-nc';

/** The group that closes nonconformities. */
export const COMPLIANCE = 'compliance';

/** A stage as people read it. */
export const NC_STATUS_LABEL: Readonly<Record<string, string>> = {
  open: 'open',
  action_planned: 'action planned',
  verifying: 'verifying effectiveness',
  closed: 'closed',
};

/** One corrective action. */
export interface NcActionView {
  ref: string;
  title: string;
  assignee: string;
  dueDate: string;
  status: 'open' | 'done' | 'not_applicable';
}

/** A nonconformity as people see it. */
export interface NcView {
  id: number;
  /** `NC-7` */
  ref: string;
  source: string;
  severity: string;
  description: string;
  system: { ref: string; name: string } | null;
  owner: { id: number; label: string; platformId: string } | null;
  /** open | action_planned | verifying | closed */
  status: string;
  statusLabel: string;
  containment: string | null;
  rootCause: string | null;
  actions: NcActionView[];
  /** `YYYY-MM-DD` in the policy's zone. */
  effectivenessDue: string | null;
  effective: boolean | null;
  verifiedBy: string | null;
  verifiedOn: string | null;
  closedBy: string | null;
  closedOn: string | null;
  createdOn: string;
  /** The buttons the viewer may use now. */
  can: { containment: boolean; rootCause: boolean; addAction: boolean; verify: boolean; close: boolean };
}

/** Whether the actor is compliance. */
export function isCompliance(policy: Policy, actor: Person): boolean {
  return isGroupMember(policy, COMPLIANCE, actor.platformId, actor.email);
}

/** Whether the actor may work on the NC: its owner or compliance. */
export function mayAct(policy: Policy, actor: Person, nc: Pick<NcRow, 'ownerId'>): boolean {
  return (nc.ownerId !== null && nc.ownerId === actor.id) || isCompliance(policy, actor);
}

/** The NC of a reference in the actor's workspace, or a refusal. */
export async function ncByRef(ctx: FlowContext, text: string, db: Db = ctx.deps.db, lock = false): Promise<NcRow | Refusal> {
  const n = parseNcRef(text);
  if (n === null) return refuse('invalid', `"${text.slice(0, 20)}" is not a nonconformity reference; use one such as NC-7.`);
  const q = db
    .select()
    .from(nonconformities)
    .where(and(eq(nonconformities.workspaceId, ctx.workspace.id), eq(nonconformities.number, n)));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? refuse('not_found', `There is no nonconformity ${ncRef(n)} in this workspace.`);
}

/** The corrective-action tasks of an NC, oldest first. */
export async function ncActionRows(db: Db, workspaceId: number, ncId: number): Promise<Array<typeof tasks.$inferSelect>> {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.kind, 'corrective_action'), eq(tasks.subjectType, 'nc'), eq(tasks.subjectId, ncId)))
    .orderBy(asc(tasks.number));
}

/**
 * The actions of the current round: after a "not effective" verification only those planned
 * since count towards the next one.
 */
export function roundActions<T extends { createdAt: Date }>(nc: Pick<NcRow, 'effective' | 'verifiedAt'>, rows: readonly T[]): T[] {
  const since = nc.effective === false && nc.verifiedAt ? nc.verifiedAt.getTime() : null;
  return since === null ? [...rows] : rows.filter((t) => t.createdAt.getTime() >= since);
}

/** Whether every action is closed with at least one done: the NC can be verified. */
export function actionsComplete(rows: ReadonlyArray<{ status: string }>): boolean {
  return rows.length > 0 && rows.every((t) => t.status !== 'open') && rows.some((t) => t.status === 'done');
}

/** The view of a row for the actor. */
export async function ncView(ctx: FlowContext, nc: NcRow): Promise<NcView> {
  const { db, policy } = ctx.deps;
  const tz = policy.organization.timezone;
  const actions = await ncActionRows(db, ctx.workspace.id, nc.id);
  const ids = [...new Set([nc.ownerId, nc.verifiedById, nc.closedById, ...actions.map((a) => a.assigneeId)].filter((x): x is number => x !== null))];
  const who = new Map(ids.length ? (await db.select().from(people).where(inArray(people.id, ids))).map((p) => [p.id, p] as const) : []);
  const label = (id: number | null) => (id === null ? null : (who.get(id)?.displayName ?? who.get(id)?.platformId ?? null));
  const [system] = nc.systemId ? await db.select({ refNumber: aiSystems.refNumber, name: aiSystems.name }).from(aiSystems).where(eq(aiSystems.id, nc.systemId)) : [];
  const acting = mayAct(policy, ctx.actor, nc);
  const open = nc.status !== 'closed';
  const planning = nc.status === 'open' || nc.status === 'action_planned';
  const owner = nc.ownerId !== null ? who.get(nc.ownerId) : undefined;
  return {
    id: nc.id,
    ref: ncRef(nc.number),
    source: nc.source,
    severity: nc.severity,
    description: nc.description,
    system: system ? { ref: systemRef(system.refNumber), name: system.name } : null,
    owner: owner ? { id: owner.id, label: owner.displayName ?? owner.platformId, platformId: owner.platformId } : null,
    status: nc.status,
    statusLabel: NC_STATUS_LABEL[nc.status] ?? nc.status,
    containment: nc.containment,
    rootCause: nc.rootCause,
    actions: actions.map((a) => ({ ref: taskRef(a.number), title: a.title, assignee: label(a.assigneeId) ?? a.assigneeGroup ?? 'nobody', dueDate: a.dueDate, status: a.status as NcActionView['status'] })),
    effectivenessDue: nc.effectivenessDueAt ? localDay(nc.effectivenessDueAt, tz) : null,
    effective: nc.effective,
    verifiedBy: label(nc.verifiedById),
    verifiedOn: nc.verifiedAt ? localDay(nc.verifiedAt, tz) : null,
    closedBy: label(nc.closedById),
    closedOn: nc.closedAt ? localDay(nc.closedAt, tz) : null,
    createdOn: localDay(nc.createdAt, tz),
    can: {
      containment: acting && open,
      rootCause: acting && planning,
      addAction: acting && planning && nc.rootCause !== null,
      verify: acting && (nc.status === 'action_planned' || nc.status === 'verifying') && nc.effective !== true && actionsComplete(roundActions(nc, actions)),
      close: isCompliance(policy, ctx.actor) && open && nc.effective === true,
    },
  };
}

/** `nc NC-7`: the view, or why not. */
export async function showNc(ctx: FlowContext, text: string): Promise<NcView | Refusal> {
  const nc = await ncByRef(ctx, text);
  if ('kind' in nc) return nc;
  return ncView(ctx, nc);
}
