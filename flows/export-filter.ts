/**
 * What an export covers: a time range and a set of systems. The range means "created or
 * changed in range" for the inventory (and the Statement of Applicability built from it) and
 * "happened in range" for the audit trail; the systems are `AI-<n>` references in each workspace.
 */
import { and, eq, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, approvalRequests, approvalSteps, auditEvents } from '../db/schema';
import { impactAssessments, risks, tasks } from '../db/schema-aims';
import { impactRef, riskRef, taskRef } from './refs';
import { systemRef } from './views';

/** Options of every export. */
export interface ExportOptions {
  /** Only this workspace (the digest); default every workspace. */
  workspaceId?: number;
  /** Inclusive lower bound of the range. */
  since?: Date;
  /** Inclusive upper bound of the range. */
  until?: Date;
  /** Only these systems, by the `n` of `AI-<n>`; empty or unset: every system. */
  refs?: readonly number[];
  /** IANA time zone of the `*_local` columns (the policy's). Default `UTC`. */
  timezone?: string;
  /** The policy's `risk.acceptBelow`, for the `untreated_high_risks` column. Default 8. */
  acceptBelow?: number;
}

/** Whether `at` lies in the range of `o` (an open bound always holds). */
export function inRange(at: Date | null | undefined, o: Pick<ExportOptions, 'since' | 'until'>): boolean {
  if (!at) return false;
  return (!o.since || at >= o.since) && (!o.until || at <= o.until);
}

/** Whether `o` restricts the time range at all. */
export const hasRange = (o: Pick<ExportOptions, 'since' | 'until'>): boolean => o.since !== undefined || o.until !== undefined;

/**
 * Which system each audit subject of a workspace belongs to: `ai_system:<id>` itself,
 * `approval_request:<id>` and `approval_step:<id>` through their request.
 */
export async function subjectSystems(db: Db, workspaceId: number): Promise<Map<string, number>> {
  const requests = await db
    .select({ id: approvalRequests.id, systemId: approvalRequests.systemId })
    .from(approvalRequests)
    .where(eq(approvalRequests.workspaceId, workspaceId));
  const systemOfRequest = new Map(requests.map((r) => [r.id, r.systemId]));
  const steps = await db
    .select({ id: approvalSteps.id, requestId: approvalSteps.requestId })
    .from(approvalSteps)
    .where(eq(approvalSteps.workspaceId, workspaceId));
  const systems = await db.select({ id: aiSystems.id, refNumber: aiSystems.refNumber }).from(aiSystems).where(eq(aiSystems.workspaceId, workspaceId));
  const out = new Map<string, number>();
  for (const s of systems) out.set(`ai_system:${s.id}`, s.id);
  // The management-system objects of a system: its tasks (`T-n`), risks (`AI-3/R-1`) and impact assessments (`AI-3/IA-1`).
  const refOf = new Map(systems.map((s) => [s.id, systemRef(s.refNumber)]));
  const systemTasks = await db.select({ number: tasks.number, systemId: tasks.systemId }).from(tasks).where(and(eq(tasks.workspaceId, workspaceId), isNotNull(tasks.systemId)));
  for (const t of systemTasks) out.set(`task:${taskRef(t.number)}`, t.systemId!);
  const systemRisks = await db.select({ number: risks.number, systemId: risks.systemId }).from(risks).where(eq(risks.workspaceId, workspaceId));
  for (const r of systemRisks) out.set(`risk:${riskRef(refOf.get(r.systemId) ?? '', r.number)}`, r.systemId);
  const impacts = await db.select({ number: impactAssessments.number, systemId: impactAssessments.systemId }).from(impactAssessments).where(eq(impactAssessments.workspaceId, workspaceId));
  for (const ia of impacts) out.set(`impact_assessment:${impactRef(refOf.get(ia.systemId) ?? '', ia.number)}`, ia.systemId);
  for (const [id, systemId] of systemOfRequest) out.set(`approval_request:${id}`, systemId);
  for (const st of steps) {
    const systemId = systemOfRequest.get(st.requestId);
    if (systemId !== undefined) out.set(`approval_step:${st.id}`, systemId);
  }
  return out;
}

/** The systems of a workspace with an audit event in the range of `o`. */
export async function systemsActiveInRange(db: Db, workspaceId: number, o: ExportOptions, subjects: Map<string, number>): Promise<Set<number>> {
  const events = await db
    .select({ subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.workspaceId, workspaceId),
        o.since ? gte(auditEvents.occurredAt, o.since) : undefined,
        o.until ? lte(auditEvents.occurredAt, o.until) : undefined,
      ),
    );
  const out = new Set<number>();
  for (const e of events) {
    const systemId = subjects.get(`${e.subjectType}:${e.subjectId}`);
    if (systemId !== undefined) out.add(systemId);
  }
  return out;
}

/** The ids of a workspace's systems with the given reference numbers. */
export async function systemIdsByRef(db: Db, workspaceId: number, refs: readonly number[]): Promise<Set<number>> {
  if (refs.length === 0) return new Set();
  const rows = await db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.refNumber, [...refs])));
  return new Set(rows.map((r) => r.id));
}
