/**
 * `export audits --format csv|json`: one row per finding with its audit, and one row (finding
 * columns empty) for an audit without findings; every workspace, or one. Keys are snake_case
 * like the other exports; the CSV goes through `toCsv`, which neutralises formulas in user text.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import { internalAudits } from '../../db/schema-improve';
import { CSV_BOM, toCsv } from '../exports';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { isCompliance } from './access';
import { auditDetails } from './view';

/** The columns of the audits export, in order. */
export const AUDIT_EXPORT_COLUMNS = [
  'workspace',
  'audit_ref',
  'title',
  'status',
  'planned_for',
  'auditors',
  'scope_clauses',
  'scope_controls',
  'sample_seed',
  'sample',
  'finding_ref',
  'finding_subject_type',
  'finding_subject',
  'finding_kind',
  'finding_text',
  'finding_evidence',
  'finding_recorded_by',
  'finding_recorded_at',
  'nc_ref',
  'nc_severity',
  'nc_status',
  'conclusion',
  'reported_at',
] as const;

/** One row of the audits export. */
export type AuditExportRecord = {
  workspace: string;
  audit_ref: string;
  title: string;
  status: string;
  planned_for: string;
  auditors: string[];
  scope_clauses: string[];
  scope_controls: string[];
  sample_seed: string;
  sample: string[];
  finding_ref: string | null;
  finding_subject_type: string | null;
  finding_subject: string | null;
  finding_kind: string | null;
  finding_text: string | null;
  finding_evidence: string | null;
  finding_recorded_by: string | null;
  finding_recorded_at: string | null;
  nc_ref: string | null;
  nc_severity: string | null;
  nc_status: string | null;
  conclusion: string | null;
  reported_at: string | null;
};

/** Every audit (of one workspace when `workspaceId` is given) as rows. */
export async function auditExportRecords(db: Db, workspaceId?: number): Promise<AuditExportRecord[]> {
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => workspaceId === undefined || w.id === workspaceId);
  const out: AuditExportRecord[] = [];
  for (const w of spaces) {
    const audits = await db.select().from(internalAudits).where(eq(internalAudits.workspaceId, w.id)).orderBy(asc(internalAudits.year), asc(internalAudits.number));
    for (const a of audits) {
      const d = await auditDetails(db, a);
      const base = {
        workspace: w.name ?? w.externalId,
        audit_ref: d.ref,
        title: d.title,
        status: d.status,
        planned_for: d.plannedFor,
        auditors: d.auditors,
        scope_clauses: d.criteria.clauses.map((c) => c.id),
        scope_controls: d.criteria.controls.map((c) => c.id),
        sample_seed: d.sampleSeed,
        sample: d.sample.map((s) => s.ref),
        conclusion: d.conclusion,
        reported_at: d.reportedAt?.toISOString() ?? null,
      };
      const none = { finding_ref: null, finding_subject_type: null, finding_subject: null, finding_kind: null, finding_text: null, finding_evidence: null, finding_recorded_by: null, finding_recorded_at: null, nc_ref: null, nc_severity: null, nc_status: null };
      if (d.findings.length === 0) out.push({ ...base, ...none });
      for (const f of d.findings) {
        out.push({
          ...base,
          finding_ref: f.ref,
          finding_subject_type: f.subjectType,
          finding_subject: f.subject,
          finding_kind: f.kind,
          finding_text: f.text,
          finding_evidence: f.evidence,
          finding_recorded_by: f.recordedBy,
          finding_recorded_at: f.recordedAt.toISOString(),
          nc_ref: f.nc?.ref ?? null,
          nc_severity: f.nc?.severity ?? null,
          nc_status: f.nc?.status ?? null,
        });
      }
    }
  }
  return out;
}

/** The rows as CSV cells: lists joined with `; `, nulls empty. */
export function auditExportCells(r: AuditExportRecord): Record<(typeof AUDIT_EXPORT_COLUMNS)[number], string> {
  const out = {} as Record<(typeof AUDIT_EXPORT_COLUMNS)[number], string>;
  for (const c of AUDIT_EXPORT_COLUMNS) {
    const v = r[c];
    out[c] = Array.isArray(v) ? v.join('; ') : v === null ? '' : String(v);
  }
  return out;
}

/** The export as text in `format` (CSV with a byte order mark, or JSON). */
export function auditExportText(records: AuditExportRecord[], format: 'csv' | 'json'): string {
  return format === 'csv' ? CSV_BOM + toCsv(records.map(auditExportCells), AUDIT_EXPORT_COLUMNS) : `${JSON.stringify(records, null, 2)}\n`;
}

/** The audits export as a file for chat: compliance only, this workspace only. */
export async function auditsExportFile(ctx: FlowContext, format: string): Promise<{ kind: 'file'; filename: string; content: string; rows: number } | Refusal> {
  if (format !== 'csv' && format !== 'json') return refuse('invalid', `Choose the format csv or json, e.g. "export audits csv" (got "${format.slice(0, 20)}").`);
  if (!isCompliance(ctx)) return refuse('not_authorised', 'Only a member of compliance can export the internal audits in chat.');
  const records = await auditExportRecords(ctx.deps.db, ctx.workspace.id);
  const tz = ctx.deps.policy.organization.timezone;
  return { kind: 'file', filename: `audits-${localDate(ctx.deps.clock.now(), tz)}.${format}`, content: auditExportText(records, format), rows: records.length };
}
