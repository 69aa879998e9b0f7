/**
 * `export incidents --format csv|json`: every incident of every workspace (or one), by workspace
 * and number, with snake_case keys like the other exports. The CSV goes through `toCsv`, which
 * neutralises formulas in user text. The range filter means "reported or changed in range";
 * `--ref AI-n` keeps the incidents of those systems.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import { localDateTime } from '../display';
import type { ExportOptions } from '../export-filter';
import { inRange, systemIdsByRef } from '../export-filter';
import { CSV_BOM, toCsv } from '../exports';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import { incidentRef, ncRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { systemRef } from '../views';
import { isCompliance } from './view';

/** The columns of `export incidents`, in order. */
export const INCIDENT_COLUMNS = [
  'workspace', 'ref', 'system_ref', 'system_name', 'risk_class', 'reported_by', 'occurred_at', 'occurred_at_local', 'reported_at',
  'description', 'harm', 'people_affected', 'serious', 'report_case', 'provider_inform_due_at', 'provider_informed_at',
  'authority_report_due_at', 'authority_report_due_at_local', 'authority_reported_at', 'nc', 'nc_status', 'updated_at',
] as const;

/** One incident as exported (JSON keeps booleans and nulls). */
export type IncidentRecord = { [K in (typeof INCIDENT_COLUMNS)[number]]: K extends 'serious' ? boolean : string | null };

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Every incident that `o` selects, as records. */
export async function incidentRecords(db: Db, o: ExportOptions = {}): Promise<IncidentRecord[]> {
  const tz = o.timezone ?? 'UTC';
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  const out: IncidentRecord[] = [];
  for (const w of spaces) {
    const only = o.refs?.length ? [...(await systemIdsByRef(db, w.id, o.refs))] : null;
    if (only && only.length === 0) continue;
    const rows = await db
      .select({ i: incidents, refNumber: aiSystems.refNumber, name: aiSystems.name, ncNumber: nonconformities.number, ncStatus: nonconformities.status, reporterName: people.displayName, reporterPid: people.platformId })
      .from(incidents)
      .innerJoin(aiSystems, eq(aiSystems.id, incidents.systemId))
      .leftJoin(nonconformities, eq(nonconformities.id, incidents.ncId))
      .leftJoin(people, eq(people.id, incidents.reportedById))
      .where(and(eq(incidents.workspaceId, w.id), only ? inArray(incidents.systemId, only) : undefined))
      .orderBy(asc(incidents.number));
    for (const { i, refNumber, name, ncNumber, ncStatus, reporterName, reporterPid } of rows) {
      if ((o.since || o.until) && !inRange(i.createdAt, o) && !inRange(i.updatedAt, o)) continue;
      out.push({
        workspace: w.name ?? w.externalId,
        ref: incidentRef(i.number),
        system_ref: systemRef(refNumber),
        system_name: name,
        risk_class: i.riskClass,
        reported_by: reporterName ?? reporterPid ?? null,
        occurred_at: i.occurredAt.toISOString(),
        occurred_at_local: localDateTime(i.occurredAt, tz),
        reported_at: i.createdAt.toISOString(),
        description: i.description,
        harm: i.harm,
        people_affected: i.peopleAffected,
        serious: i.serious,
        report_case: i.reportCase,
        provider_inform_due_at: iso(i.providerInformDueAt),
        provider_informed_at: iso(i.providerInformedAt),
        authority_report_due_at: iso(i.authorityReportDueAt),
        authority_report_due_at_local: i.authorityReportDueAt ? localDateTime(i.authorityReportDueAt, tz) : null,
        authority_reported_at: iso(i.authorityReportedAt),
        nc: ncNumber !== null ? ncRef(ncNumber) : null,
        nc_status: ncStatus,
        updated_at: i.updatedAt.toISOString(),
      });
    }
  }
  return out;
}

/** The records as CSV cells (nulls empty, booleans `true`/`false`). */
export function incidentCells(r: IncidentRecord): Record<(typeof INCIDENT_COLUMNS)[number], string> {
  const out = {} as Record<(typeof INCIDENT_COLUMNS)[number], string>;
  for (const c of INCIDENT_COLUMNS) out[c] = r[c] === null ? '' : String(r[c]);
  return out;
}

/** The export's text in `format`. */
export function incidentExportText(records: IncidentRecord[], format: 'csv' | 'json'): string {
  return format === 'csv' ? CSV_BOM + toCsv(records.map(incidentCells), INCIDENT_COLUMNS) : `${JSON.stringify(records, null, 2)}\n`;
}

/** The incidents export as a file for chat: compliance only, this workspace only. */
export async function incidentExportFile(ctx: FlowContext, format: string): Promise<{ kind: 'file'; filename: string; content: string; rows: number } | Refusal> {
  if (format !== 'csv' && format !== 'json') return refuse('invalid', `Choose the format csv or json, e.g. "export incidents csv" (got "${format.slice(0, 20)}").`);
  if (!isCompliance(ctx)) return refuse('not_authorised', 'Only a member of compliance can export the incidents in chat.');
  const tz = ctx.deps.policy.organization.timezone;
  const records = await incidentRecords(ctx.deps.db, { workspaceId: ctx.workspace.id, timezone: tz });
  return { kind: 'file', filename: `incidents-${localDate(ctx.deps.clock.now(), tz)}.${format}`, content: incidentExportText(records, format), rows: records.length };
}
