/** Read-only flows: check a tool, list mine, show one, what waits for me, reviews due. */
import { and, asc, desc, eq, ilike, inArray, isNotNull, lte, or } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps } from '../db/schema';
import type { FlowContext } from './ports';
import { systemByRef } from './registration';
import type { Refusal } from './results';
import { refuse } from './results';
import { checkCanDecide } from './rules';
import { untreatedRisksOf } from './risks/untreated';
import type { Obligation } from './triage/types';
import type { CatalogEntry } from './discovery/catalog';
import { matchCatalog } from './discovery/catalog';
import type { RequestView, SystemView } from './views';
import { findSystemViewByRefOrName, findSystemViews, loadRequestViews, loadSystemViews, nameKey, parseSystemRef } from './views';

/** The answer to "may I use X, and under which conditions?". */
export interface CheckView {
  system: SystemView;
  /** `approved` means it may be used under the conditions below. */
  verdict: 'approved' | 'pending' | 'not_approved' | 'blocked' | 'retired';
  /** The obligations of its classification. */
  conditions: Obligation[];
  /** Data categories it was approved for; empty for a prohibited (blocked) system, which may not be used at all. */
  allowedData: string[];
}

/**
 * Result of `check`. `catalog` is the catalog tool the name means when no system is registered
 * for it: the reply offers to register it (`discovery.register`).
 */
export type CheckResult =
  | { kind: 'found'; check: CheckView }
  | { kind: 'not_found'; query: string; suggestions: SystemView[]; catalog?: CatalogEntry };

const VERDICT: Record<SystemView['status'], CheckView['verdict']> = {
  approved: 'approved',
  pending_approval: 'pending',
  draft: 'pending',
  changes_requested: 'not_approved',
  rejected: 'not_approved',
  blocked: 'blocked',
  retired: 'retired',
};

/** Looks a tool up by reference or name (case and punctuation do not matter). */
export async function check(ctx: FlowContext, query: string): Promise<CheckResult | Refusal> {
  const q = query.trim();
  if (!q) return refuse('invalid', 'Name the tool to check, e.g. "check ChatGPT".');
  const { db } = ctx.deps;
  const ws = ctx.workspace.id;
  const n = parseSystemRef(q);
  const direct = await findSystemViewByRefOrName(db, ws, nameKey(q), n);
  // A catalog tool may be registered under another name ("ChatGPT Enterprise" for "chatgpt");
  // the catalog is consulted only when the name itself found nothing.
  const entry = direct || n !== null ? undefined : matchCatalog(q);
  const s = direct ?? (entry ? ((await findSystemViews(db, ws, eq(aiSystems.catalogId, entry.id), 1))[0] ?? null) : null);
  if (s) {
    return {
      kind: 'found',
      check: {
        system: s,
        verdict: VERDICT[s.status],
        conditions: s.assessment?.result.obligations ?? [],
        // A prohibited tool must not be used with any data, so no data category is "allowed".
        allowedData: s.status === 'blocked' ? [] : asList(s.assessment?.answers['data_categories']).filter((c) => c !== 'none'),
      },
    };
  }
  const key = nameKey(q);
  const suggestions = await findSystemViews(db, ws, or(ilike(aiSystems.nameKey, `%${escapeLike(key)}%`), ilike(aiSystems.name, `%${escapeLike(q)}%`)), 5);
  return { kind: 'not_found', query: q, suggestions, ...(entry ? { catalog: entry } : {}) };
}

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Systems the actor owns or submitted, by reference. */
export async function listMine(ctx: FlowContext): Promise<SystemView[]> {
  const rows = await ctx.deps.db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .where(
      and(
        eq(aiSystems.workspaceId, ctx.workspace.id),
        or(eq(aiSystems.ownerId, ctx.actor.id), eq(aiSystems.submittedById, ctx.actor.id)),
      ),
    )
    .orderBy(asc(aiSystems.refNumber));
  return loadSystemViews(ctx.deps.db, ctx.workspace.id, rows.map((r) => r.id));
}

/** One system with its latest approval request. */
export async function show(ctx: FlowContext, ref: string): Promise<{ kind: 'system'; system: SystemView; request: RequestView | null } | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  const all = await ctx.deps.db
    .select({ id: approvalRequests.id, status: approvalRequests.status })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, ctx.workspace.id), eq(approvalRequests.systemId, system.id)))
    .orderBy(desc(approvalRequests.id));
  // The newest request that still stands; a superseded one only when nothing else exists.
  const last = all.find((r) => r.status !== 'superseded') ?? all[0];
  const [request] = last ? await loadRequestViews(ctx.deps.db, ctx.deps.policy, ctx.workspace.id, [last.id]) : [];
  const untreated = await untreatedRisksOf(ctx.deps.db, ctx.workspace.id, [system.id], { acceptBelow: ctx.deps.policy.risk.acceptBelow });
  return { kind: 'system', system: { ...system, untreatedRisks: untreated.length }, request: request ?? null };
}

/** A request waiting for the actor, with the step(s) they may decide now. */
export interface PendingItem {
  request: RequestView;
  stepIds: number[];
}

/** Requests with a pending step the actor may decide now. */
export async function pendingForMe(ctx: FlowContext): Promise<PendingItem[]> {
  const { db, policy } = ctx.deps;
  const rows = await db
    .select({ step: approvalSteps, submittedById: approvalRequests.submittedById, requestStatus: approvalRequests.status })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    // Blocked requests too: compliance confirms a block (the owner has nothing to do there).
    .where(and(eq(approvalSteps.workspaceId, ctx.workspace.id), inArray(approvalRequests.status, ['pending', 'blocked'])))
    .orderBy(asc(approvalSteps.requestId), asc(approvalSteps.position));
  const byRequest = new Map<number, typeof rows>();
  for (const r of rows) byRequest.set(r.step.requestId, [...(byRequest.get(r.step.requestId) ?? []), r]);
  const mine = new Map<number, number[]>();
  for (const [requestId, list] of byRequest) {
    const steps = list.map((r) => r.step);
    for (const r of list) {
      if (r.step.status !== 'pending') continue;
      if (r.requestStatus === 'blocked' && r.step.role !== 'compliance') continue;
      if (!checkCanDecide(policy, r.step, steps, ctx.actor, r.submittedById)) {
        mine.set(requestId, [...(mine.get(requestId) ?? []), r.step.id]);
      }
    }
  }
  const views = await loadRequestViews(db, policy, ctx.workspace.id, [...mine.keys()]);
  return views.sort((a, b) => a.id - b.id).map((request) => ({ request, stepIds: mine.get(request.id)! }));
}

/** Approved systems the actor owns whose review is due within `days` (or overdue). */
export async function reviewsDue(ctx: FlowContext, days = 14): Promise<SystemView[]> {
  const until = new Date(ctx.deps.clock.now().getTime() + days * 86_400_000);
  const rows = await ctx.deps.db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .where(
      and(
        eq(aiSystems.workspaceId, ctx.workspace.id),
        eq(aiSystems.ownerId, ctx.actor.id),
        eq(aiSystems.status, 'approved'),
        isNotNull(aiSystems.nextReviewAt),
        lte(aiSystems.nextReviewAt, until),
      ),
    )
    .orderBy(asc(aiSystems.nextReviewAt));
  return loadSystemViews(ctx.deps.db, ctx.workspace.id, rows.map((r) => r.id));
}

