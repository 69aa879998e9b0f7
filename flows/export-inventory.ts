/**
 * The inventory export (ISO 42001 clause 4.3): one record per registered system with its
 * classification, who submitted and who approved it, the reasons given on every decision, its
 * reviews and a link to the approval thread. JSON keeps the real types; CSV flattens them.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, people, platformMessages, reviews, workspaces } from '../db/schema';
import { localDateTime, roleLabel } from './display';
import { decisionThreadLink } from './export-links';
import type { ExportOptions } from './export-filter';
import { hasRange, inRange, subjectSystems, systemIdsByRef, systemsActiveInRange } from './export-filter';
import type { StoredMessage } from './messages';
import type { Obligation } from './triage/types';
import type { SystemView } from './views';
import { loadSystemViews } from './views';
import { countBySystem, untreatedRisksOf } from './risks/untreated';

/** An obligation with its duty and the date it applies from (null: no fixed date, or v1). */
export interface ObligationRecord {
  id: string;
  ref: string;
  duty: string | null;
  applicable_from: string | null;
}

/** A decision on one step, with who made it, when and why. */
export interface DecisionRecord {
  /** Which of the system's approval requests (1 = the first; a resubmission opens the next). */
  request: number;
  role: string;
  decision: 'approved' | 'rejected' | 'changes_requested';
  by: string;
  by_id: string;
  at: string;
  at_local: string;
  reason: string | null;
}

/** One inventory record, with real types (JSON). Times are ISO UTC, `*_local` in the policy's zone. */
export interface InventoryRecord {
  workspace: string;
  ref: string;
  name: string;
  vendor: string;
  url: string | null;
  purpose: string;
  owner: string;
  owner_email: string | null;
  owner_id: string;
  submitted_by: string;
  submitted_by_id: string;
  department: string;
  usage_status: string;
  status: string;
  risk_class: string | null;
  in_scope: boolean | null;
  ai_act_roles: string[];
  iso_roles: string[];
  approvers: string[];
  obligations: ObligationRecord[];
  controls: string[];
  data_categories: string[];
  assessment_version: number | null;
  questionnaire_version: number | null;
  /** When the latest approved request was approved, and by whom (each approving step). */
  approved_at: string | null;
  approved_at_local: string | null;
  approved_by: Array<{ role: string; name: string; id: string }>;
  /** Every decision that gave a reason, over all of the system's requests, oldest first. */
  decision_reasons: DecisionRecord[];
  /** The thread of the latest request (Slack permalink, Teams channel deep link), or null. */
  decision_link: string | null;
  last_review_at: string | null;
  last_review_at_local: string | null;
  next_review_at: string | null;
  next_review_at_local: string | null;
  registered_at: string;
  registered_at_local: string;
  updated_at: string;
  updated_at_local: string;
  /** Untreated risks at or above `risk.acceptBelow` (approved high-risk systems; 0 otherwise). */
  untreated_high_risks: number;
}

/** What one workspace adds to its systems' views. */
interface Extras {
  updatedAt: Map<number, Date>;
  requests: Array<typeof approvalRequests.$inferSelect>;
  steps: Array<typeof approvalSteps.$inferSelect>;
  names: Map<number, { name: string; id: string }>;
  lastReview: Map<number, Date>;
  copies: StoredMessage[];
  /** Untreated high risks per system. */
  untreated: Map<number, number>;
}

/** The inventory of every workspace (or one), by workspace and reference, filtered by `o`. */
export async function inventoryRecords(db: Db, o: ExportOptions = {}): Promise<Array<{ record: InventoryRecord; obligations: Obligation[] }>> {
  const out: Array<{ record: InventoryRecord; obligations: Obligation[] }> = [];
  for await (const page of inventoryRecordPages(db, o)) out.push(...page);
  return out;
}

/** Systems loaded per page of {@link inventoryRecordPages}. */
export const INVENTORY_PAGE = 1000;

/**
 * The inventory page by page (at most `pageSize` systems each), in the order of
 * {@link inventoryRecords}: only the selected ids are held, never every record, so a caller that
 * writes each page out (the CSV of the digest, `export inventory`) runs in bounded memory.
 */
export async function* inventoryRecordPages(
  db: Db,
  o: ExportOptions = {},
  pageSize = INVENTORY_PAGE,
): AsyncGenerator<Array<{ record: InventoryRecord; obligations: Obligation[] }>> {
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  for (const w of spaces) {
    const all = await selectedSystems(db, w.id, o);
    const label = `${w.platform}:${w.externalId}`;
    const tenant = w.platform === 'teams' ? w.externalId : undefined;
    for (let i = 0; i < all.length; i += pageSize) {
      const ids = all.slice(i, i + pageSize);
      const extras = await loadExtras(db, w.id, ids, o.acceptBelow);
      yield (await loadSystemViews(db, w.id, ids)).map((s) => ({
        record: toRecord(label, s, extras, o.timezone ?? 'UTC', tenant),
        obligations: s.assessment?.result.obligations ?? [],
      }));
    }
  }
}

/** The systems of a workspace that `o` selects, by reference. */
async function selectedSystems(db: Db, workspaceId: number, o: ExportOptions): Promise<number[]> {
  const rows = await db
    .select({ id: aiSystems.id, createdAt: aiSystems.createdAt, updatedAt: aiSystems.updatedAt })
    .from(aiSystems)
    .where(eq(aiSystems.workspaceId, workspaceId))
    .orderBy(asc(aiSystems.refNumber));
  const byRef = o.refs?.length ? await systemIdsByRef(db, workspaceId, o.refs) : null;
  // "Created or changed in range": created, last updated, or any audit event about it in range.
  const active = hasRange(o) ? await systemsActiveInRange(db, workspaceId, o, await subjectSystems(db, workspaceId)) : null;
  return rows
    .filter((r) => !byRef || byRef.has(r.id))
    .filter((r) => !active || active.has(r.id) || inRange(r.createdAt, o) || inRange(r.updatedAt, o))
    .map((r) => r.id);
}

async function loadExtras(db: Db, ws: number, ids: number[], acceptBelow?: number): Promise<Extras> {
  const systems = await db.select({ id: aiSystems.id, updatedAt: aiSystems.updatedAt }).from(aiSystems).where(inArray(aiSystems.id, ids));
  const requests = await db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, ws), inArray(approvalRequests.systemId, ids)))
    .orderBy(asc(approvalRequests.id));
  const reqIds = requests.map((r) => r.id);
  const steps = reqIds.length
    ? await db.select().from(approvalSteps).where(and(eq(approvalSteps.workspaceId, ws), inArray(approvalSteps.requestId, reqIds))).orderBy(asc(approvalSteps.position))
    : [];
  const deciderIds = [...new Set(steps.map((s) => s.decidedById).filter((x): x is number => x !== null))];
  const persons = deciderIds.length ? await db.select().from(people).where(and(eq(people.workspaceId, ws), inArray(people.id, deciderIds))) : [];
  const done = await db
    .select({ systemId: reviews.systemId, decidedAt: reviews.decidedAt })
    .from(reviews)
    .where(and(eq(reviews.workspaceId, ws), inArray(reviews.systemId, ids), inArray(reviews.status, ['confirmed', 'retriaged', 'retired'])));
  const lastReview = new Map<number, Date>();
  for (const r of done) {
    const before = lastReview.get(r.systemId);
    if (r.decidedAt && (!before || r.decidedAt > before)) lastReview.set(r.systemId, r.decidedAt);
  }
  const copies = reqIds.length
    ? await db
        .select()
        .from(platformMessages)
        .where(and(eq(platformMessages.workspaceId, ws), eq(platformMessages.subjectType, 'approval_request'), inArray(platformMessages.subjectId, reqIds)))
        .orderBy(asc(platformMessages.id))
    : [];
  return {
    updatedAt: new Map(systems.map((s) => [s.id, s.updatedAt])),
    requests,
    steps,
    names: new Map(persons.map((p) => [p.id, { name: p.displayName ?? p.platformId, id: p.platformId }])),
    lastReview,
    copies,
    untreated: countBySystem(await untreatedRisksOf(db, ws, ids, { acceptBelow })),
  };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

function toRecord(workspace: string, s: SystemView, x: Extras, tz: string, tenant: string | undefined): InventoryRecord {
  const local = (d: Date | null | undefined): string | null => (d ? localDateTime(d, tz) : null);
  const r = s.assessment?.result;
  const data = s.assessment?.answers['data_categories'];
  const requests = x.requests.filter((q) => q.systemId === s.id);
  const stepsOf = (requestId: number) => x.steps.filter((st) => st.requestId === requestId);
  const person = (id: number | null) => (id !== null ? x.names.get(id) : undefined) ?? { name: 'unknown', id: '' };
  const approved = requests.filter((q) => q.status === 'approved').at(-1);
  const latest = requests.filter((q) => q.status !== 'superseded').at(-1) ?? requests.at(-1);
  const decisions: DecisionRecord[] = requests.flatMap((q, i) =>
    stepsOf(q.id)
      .filter((st) => st.reason && st.decidedAt && st.status !== 'pending' && st.status !== 'cancelled')
      .map((st) => ({
        request: i + 1,
        role: st.role,
        decision: st.status as DecisionRecord['decision'],
        by: person(st.decidedById).name,
        by_id: person(st.decidedById).id,
        at: st.decidedAt!.toISOString(),
        at_local: localDateTime(st.decidedAt, tz),
        reason: st.reason,
      })),
  );
  const updated = x.updatedAt.get(s.id) ?? s.createdAt;
  return {
    workspace,
    ref: s.ref,
    name: s.name,
    vendor: s.vendor,
    url: s.url,
    purpose: s.purpose,
    owner: s.owner.name,
    owner_email: s.owner.email,
    owner_id: s.owner.platformId,
    submitted_by: s.submittedBy.name,
    submitted_by_id: s.submittedBy.platformId,
    department: s.department,
    usage_status: s.usageStatus,
    status: s.status,
    risk_class: s.riskClass,
    in_scope: r ? r.inScope : null,
    ai_act_roles: [...(r?.aiActRoles ?? [])],
    iso_roles: [...(r?.isoRoles ?? [])],
    approvers: [...(r?.approvers ?? [])],
    obligations: (r?.obligations ?? []).map((o) => ({ id: o.id, ref: o.ref, duty: o.duty ?? null, applicable_from: o.applicableFrom ?? null })),
    controls: [...(r?.controls ?? [])],
    data_categories: Array.isArray(data) ? data.map(String) : [],
    assessment_version: s.assessment?.version ?? null,
    questionnaire_version: s.assessment?.questionnaireVersion ?? null,
    approved_at: iso(approved?.decidedAt),
    approved_at_local: local(approved?.decidedAt),
    approved_by: approved
      ? stepsOf(approved.id)
          .filter((st) => st.status === 'approved')
          .map((st) => ({ role: st.role, name: person(st.decidedById).name, id: person(st.decidedById).id }))
      : [],
    decision_reasons: decisions,
    decision_link: latest ? decisionThreadLink(x.copies.filter((c) => c.subjectId === latest.id), tenant) : null,
    last_review_at: iso(x.lastReview.get(s.id)),
    last_review_at_local: local(x.lastReview.get(s.id)),
    next_review_at: iso(s.nextReviewAt),
    next_review_at_local: local(s.nextReviewAt),
    registered_at: s.createdAt.toISOString(),
    registered_at_local: localDateTime(s.createdAt, tz),
    updated_at: updated.toISOString(),
    updated_at_local: localDateTime(updated, tz),
    untreated_high_risks: x.untreated.get(s.id) ?? 0,
  };
}

/** A decision as one CSV cell: `privacy changes requested by pat on 2026-11-12 09:00 (Europe/Berlin): reason`. */
export const decisionCell = (d: DecisionRecord): string =>
  `${roleLabel(d.role)} ${d.decision.replace('_', ' ')} by ${d.by} on ${d.at_local}: ${d.reason ?? ''}`;
