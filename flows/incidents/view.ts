/**
 * Incidents as neutral views (`incident INC-4`, the compliance notice, the reporter's
 * confirmation) and finding one by reference in the actor's workspace.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import { personLabel } from '../identity';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import { incidentRef, ncRef, parseIncidentRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { systemRef } from '../views';
import type { ReportCase } from './clocks';
import { REPORT_CASE_ARTICLE } from './clocks';
import type { IncidentHarm } from './form';
import { HARM_LABEL } from './form';

/** An incident row as stored. */
export type IncidentRow = typeof incidents.$inferSelect;

/** One incident as shown. Instants are ISO strings so the view stores as JSON unchanged. */
export interface IncidentView {
  id: number;
  /** `INC-4` */
  ref: string;
  system: { id: number; ref: string; name: string; riskClass: string | null; owner: string };
  reportedBy: string | null;
  occurredAt: string;
  reportedAt: string;
  description: string;
  harm: IncidentHarm;
  harmLabel: string;
  peopleAffected: string | null;
  serious: boolean;
  providerInformDueAt: string | null;
  providerInformedAt: string | null;
  authorityReportDueAt: string | null;
  authorityReportedAt: string | null;
  reportCase: ReportCase | null;
  /** `Art. 73(2)` etc., when a clock runs. */
  reportArticle: string | null;
  /** `NC-7`, when the incident opened one. */
  nc: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Loads the view of an incident row. */
export async function incidentViewOf(db: Db, row: IncidentRow): Promise<IncidentView> {
  const [s] = await db
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name, riskClass: aiSystems.riskClass, ownerName: people.displayName, ownerPid: people.platformId })
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .where(and(eq(aiSystems.workspaceId, row.workspaceId), eq(aiSystems.id, row.systemId)));
  const [reporter] = row.reportedById ? await db.select().from(people).where(eq(people.id, row.reportedById)) : [];
  const [nc] = row.ncId ? await db.select({ number: nonconformities.number }).from(nonconformities).where(eq(nonconformities.id, row.ncId)) : [];
  const reportCase = (row.reportCase as ReportCase | null) ?? null;
  return {
    id: row.id,
    ref: incidentRef(row.number),
    system: { id: row.systemId, ref: s ? systemRef(s.refNumber) : '?', name: s?.name ?? '?', riskClass: s?.riskClass ?? row.riskClass, owner: s ? (s.ownerName ?? s.ownerPid) : '?' },
    reportedBy: reporter ? personLabel(reporter) : null,
    occurredAt: row.occurredAt.toISOString(),
    reportedAt: row.createdAt.toISOString(),
    description: row.description,
    harm: row.harm as IncidentHarm,
    harmLabel: HARM_LABEL[row.harm as IncidentHarm] ?? row.harm,
    peopleAffected: row.peopleAffected,
    serious: row.serious,
    providerInformDueAt: iso(row.providerInformDueAt),
    providerInformedAt: iso(row.providerInformedAt),
    authorityReportDueAt: iso(row.authorityReportDueAt),
    authorityReportedAt: iso(row.authorityReportedAt),
    reportCase,
    reportArticle: reportCase ? REPORT_CASE_ARTICLE[reportCase] : null,
    nc: nc ? ncRef(nc.number) : null,
  };
}

/** Whether the actor is in the compliance group. */
export function isCompliance(ctx: FlowContext): boolean {
  return isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
}

/** One incident of the workspace by number, optionally locked for this transaction. */
export async function incidentOf(db: Db, workspaceId: number, n: number, lock = false): Promise<IncidentRow | undefined> {
  const q = db
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, n)));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/**
 * `incident INC-4`: the reporter, the system's owner and compliance see it; anyone else is
 * told politely who can. Another workspace's incident is "not found".
 */
export async function incidentByRef(ctx: FlowContext, text: string): Promise<IncidentView | Refusal> {
  const n = parseIncidentRef(text);
  if (n === null) return refuse('invalid', `"${text.slice(0, 40)}" is not an incident reference; use the form INC-4.`);
  const row = await incidentOf(ctx.deps.db, ctx.workspace.id, n);
  if (!row) return refuse('not_found', `There is no incident INC-${n}.`);
  const [s] = await ctx.deps.db.select({ ownerId: aiSystems.ownerId }).from(aiSystems).where(eq(aiSystems.id, row.systemId));
  if (!isCompliance(ctx) && row.reportedById !== ctx.actor.id && s?.ownerId !== ctx.actor.id) {
    return refuse('not_authorised', `Only the reporter, the owner of the system and compliance can see ${incidentRef(n)}.`);
  }
  return incidentViewOf(ctx.deps.db, row);
}
