/**
 * Evidence for auditors: the inventory (ISO 42001 clause 4.3) and the audit trail (7.5); the
 * Statement of Applicability and the control register (6.1.3) are in flows/controls. Each comes
 * as records with real types (the JSON export) and as rows of text cells (the CSV export, which
 * the CLI writes with a UTF-8 BOM so that spreadsheets read it as UTF-8). Times are ISO UTC, with a `*_local` twin in the policy's zone.
 */
import { and, asc, eq, gt, gte, lte } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/client';
import { auditEvents, workspaces } from '../db/schema';
import { localDateTime, roleLabel } from './display';
import type { ExportOptions } from './export-filter';
import { subjectSystems, systemIdsByRef } from './export-filter';
import type { InventoryRecord, ObligationRecord } from './export-inventory';
import { decisionCell, inventoryRecords } from './export-inventory';
import type { Obligation } from './triage/types';
import { RISK_COLUMNS } from './risks/columns';
import { NC_COLUMNS } from './improvement/columns';
import { IMPACT_COLUMNS } from './impact/export';

export type { ExportOptions } from './export-filter';
import { TASK_COLUMNS } from './tasks/export';
export type { DecisionRecord, InventoryRecord, ObligationRecord } from './export-inventory';
export { inventoryRecords, inventoryRecordPages } from './export-inventory';
export { decisionThreadLink, slackPermalink, teamsMessageLink } from './export-links';

/** One inventory row per registered system, as CSV cells (lists joined with `; `). */
export interface InventoryRow {
  workspace: string;
  ref: string;
  name: string;
  vendor: string;
  url: string;
  purpose: string;
  owner: string;
  owner_email: string;
  department: string;
  usage_status: string;
  status: string;
  risk_class: string;
  in_scope: string;
  ai_act_roles: string;
  iso_roles: string;
  approvers: string;
  /** `id (ref; duty; from YYYY-MM-DD)` per obligation; v1 assessments have no duty or date. */
  obligations: string;
  controls: string;
  data_categories: string;
  assessment_version: string;
  /** The questionnaire version the current assessment was made with (1 or 2). */
  questionnaire_version: string;
  next_review_at: string;
  registered_at: string;
  owner_id: string;
  submitted_by: string;
  submitted_by_id: string;
  approved_at: string;
  approved_at_local: string;
  /** `name (role)` per approving step of the latest approved request. */
  approved_by: string;
  /** `role decision by name on date: reason` per decision that gave one, oldest first. */
  decision_reasons: string;
  decision_link: string;
  last_review_at: string;
  last_review_at_local: string;
  next_review_at_local: string;
  registered_at_local: string;
  updated_at: string;
  updated_at_local: string;
  untreated_high_risks: string;
}

/** One audit event with real types: `data` is the recorded object. */
export interface AuditRecord {
  workspace: string;
  seq: number;
  occurred_at: string;
  occurred_at_local: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** An audit event as CSV cells: `data` is its JSON text. */
export type AuditRow = Omit<AuditRecord, 'data'> & { data: string };

const join = (xs: readonly string[] | undefined) => (xs ?? []).join('; ');

/** An obligation for the CSV: `id (ref; duty; from 2027-12-02)`; a v1 one has no duty or date. */
function obligationCell(o: ObligationRecord, v1: boolean): string {
  if (v1) return `${o.id} (${o.ref})`;
  return `${o.id} (${o.ref}; ${o.duty ?? ''}; ${o.applicable_from ? `from ${o.applicable_from}` : 'no fixed date'})`;
}

/** An inventory record as CSV cells. */
export function inventoryCells(r: InventoryRecord, obligations: readonly Obligation[]): InventoryRow {
  const v1 = (o: Obligation) => o.applicableFrom === undefined;
  return {
    workspace: r.workspace,
    ref: r.ref,
    name: r.name,
    vendor: r.vendor,
    url: r.url ?? '',
    purpose: r.purpose,
    owner: r.owner,
    owner_email: r.owner_email ?? '',
    department: r.department,
    usage_status: r.usage_status,
    status: r.status,
    risk_class: r.risk_class ?? '',
    in_scope: r.in_scope === null ? '' : r.in_scope ? 'yes' : 'no',
    ai_act_roles: join(r.ai_act_roles),
    iso_roles: join(r.iso_roles),
    approvers: join(r.approvers),
    obligations: join(r.obligations.map((o, i) => obligationCell(o, obligations[i] ? v1(obligations[i]) : false))),
    controls: join(r.controls),
    data_categories: join(r.data_categories),
    assessment_version: r.assessment_version === null ? '' : String(r.assessment_version),
    questionnaire_version: r.questionnaire_version === null ? '' : String(r.questionnaire_version),
    next_review_at: r.next_review_at ?? '',
    registered_at: r.registered_at,
    owner_id: r.owner_id,
    submitted_by: r.submitted_by,
    submitted_by_id: r.submitted_by_id,
    approved_at: r.approved_at ?? '',
    approved_at_local: r.approved_at_local ?? '',
    approved_by: join(r.approved_by.map((a) => `${a.name} (${roleLabel(a.role)})`)),
    decision_reasons: join(r.decision_reasons.map(decisionCell)),
    decision_link: r.decision_link ?? '',
    last_review_at: r.last_review_at ?? '',
    last_review_at_local: r.last_review_at_local ?? '',
    next_review_at_local: r.next_review_at_local ?? '',
    registered_at_local: r.registered_at_local,
    updated_at: r.updated_at,
    updated_at_local: r.updated_at_local,
    untreated_high_risks: String(r.untreated_high_risks),
  };
}

/** Accepts a workspace id (the digest's call) or the export options. */
const optionsOf = (o: number | ExportOptions | undefined): ExportOptions => (typeof o === 'number' ? { workspaceId: o } : (o ?? {}));

/** The inventory as CSV cells, by workspace and reference. */
export async function inventoryRows(db: Db, o?: number | ExportOptions): Promise<InventoryRow[]> {
  return (await inventoryRecords(db, optionsOf(o))).map((e) => inventoryCells(e.record, e.obligations));
}

/** The audit trail in chain order, per workspace: events in the range of `o`, about the systems of `o.refs`. */
export async function auditRecords(db: Db, o?: number | ExportOptions, batchSize = 1000): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const page of auditRecordPages(db, o, batchSize)) out.push(...page);
  return out;
}

/**
 * The records of {@link auditRecords} page by page (keyset on the chain's seq, `batchSize` events
 * read at a time), so a caller that writes each page out holds one page, never the whole trail.
 */
export async function* auditRecordPages(db: Db, o?: number | ExportOptions, batchSize = 1000): AsyncGenerator<AuditRecord[]> {
  const opts = optionsOf(o);
  const tz = opts.timezone ?? 'UTC';
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => opts.workspaceId === undefined || w.id === opts.workspaceId);
  for (const w of spaces) {
    const about = opts.refs?.length ? await subjectsOf(db, w.id, opts.refs) : null;
    if (about && about.size === 0) continue;
    for (let after = 0; ; ) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.workspaceId, w.id),
            gt(auditEvents.seq, after),
            opts.since ? gte(auditEvents.occurredAt, opts.since) : undefined,
            opts.until ? lte(auditEvents.occurredAt, opts.until) : undefined,
          ),
        )
        .orderBy(asc(auditEvents.seq))
        .limit(batchSize);
      const page: AuditRecord[] = [];
      for (const e of rows) {
        if (about && !about.has(`${e.subjectType}:${e.subjectId}`)) continue;
        page.push({
          workspace: `${w.platform}:${w.externalId}`,
          seq: e.seq,
          occurred_at: e.occurredAt.toISOString(),
          occurred_at_local: localDateTime(e.occurredAt, tz),
          actor: e.actor,
          action: e.action,
          subject_type: e.subjectType,
          subject_id: e.subjectId,
          data: e.data as Record<string, unknown>,
          prev_hash: e.prevHash,
          hash: e.hash,
        });
      }
      if (page.length > 0) yield page;
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.seq;
    }
  }
}

/** The audit trail as CSV cells. */
export async function auditRows(db: Db, o?: number | ExportOptions, batchSize = 1000): Promise<AuditRow[]> {
  return (await auditRecords(db, o, batchSize)).map((r) => ({ ...r, data: JSON.stringify(r.data) }));
}

/** The audit subjects (`type:id`) of the systems with these references in a workspace. */
async function subjectsOf(db: Db, workspaceId: number, refs: readonly number[]): Promise<Set<string>> {
  const ids = await systemIdsByRef(db, workspaceId, refs);
  const subjects = await subjectSystems(db, workspaceId);
  return new Set([...subjects].filter(([, systemId]) => ids.has(systemId)).map(([key]) => key));
}

/** Every CSV column of each export, in order: the original ones first, then those added later. */
export const EXPORT_COLUMNS = {
  inventory: [
    'workspace', 'ref', 'name', 'vendor', 'url', 'purpose', 'owner', 'owner_email', 'department', 'usage_status', 'status',
    'risk_class', 'in_scope', 'ai_act_roles', 'iso_roles', 'approvers', 'obligations', 'controls', 'data_categories',
    'assessment_version', 'questionnaire_version', 'next_review_at', 'registered_at',
    'owner_id', 'submitted_by', 'submitted_by_id', 'approved_at', 'approved_at_local', 'approved_by', 'decision_reasons',
    'decision_link', 'last_review_at', 'last_review_at_local', 'next_review_at_local', 'registered_at_local', 'updated_at', 'updated_at_local', 'untreated_high_risks',
  ],
  audit: ['workspace', 'seq', 'occurred_at', 'actor', 'action', 'subject_type', 'subject_id', 'data', 'prev_hash', 'hash', 'occurred_at_local'],
  tasks: TASK_COLUMNS,
  risks: RISK_COLUMNS,
  impact: IMPACT_COLUMNS,
  nonconformities: NC_COLUMNS,
} as const satisfies Record<string, readonly string[]>;

/** The byte order mark that makes Excel read a CSV file as UTF-8 (without it, `é` turns into `Ã©`). */
export const CSV_BOM = '\uFEFF';

/**
 * A cell a spreadsheet could run as a formula: it starts with = + - @ (or their full-width forms
 * ＝ ＋ － ＠, which some spreadsheets fold to ASCII), a tab or a carriage return, possibly behind
 * invisible characters (zero-width U+200B–U+200D, U+2060, U+FEFF, or a bidirectional control).
 */
const FORMULA_START = /^[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r]/;

/**
 * Rows as CSV with a header of `columns`. User text that a spreadsheet would read as a formula
 * (see FORMULA_START) is prefixed with a quote so opening the file runs nothing.
 */
export function toCsv<T extends object>(rows: T[], columns: readonly (keyof T & string)[], header = true): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return FORMULA_START.test(text) ? `'${text}` : text;
  };
  const body = rows.map((r) => columns.map((c) => cell(r[c])));
  return stringify(header ? [[...columns], ...body] : body);
}
