/**
 * Evidence for auditors: the inventory (ISO 42001 clause 4.3), the Statement of Applicability
 * (6.1.3) and the audit trail (7.5), as rows that the CLI writes as CSV or JSON.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/client';
import { aiSystems, auditEvents, workspaces } from '../db/schema';
import { ANNEX_A_CONTROLS } from './annex-a';
import { loadSystemViews } from './views';
import type { Obligation } from './triage/types';

/** One inventory row per registered system. */
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
}

/** Statement of Applicability: every Annex A control, and the systems that need it. */
export interface SoaRow {
  control: string;
  group: string;
  title: string;
  applicable: 'yes' | 'no';
  systems: string;
  justification: string;
  /** The obligations of those systems with the date each applies from, earliest first. */
  obligation_dates: string;
}

/** One audit event. */
export interface AuditRow {
  workspace: string;
  seq: number;
  occurred_at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: string;
  prev_hash: string;
  hash: string;
}

async function workspaceLabels(db: Db): Promise<Map<number, string>> {
  const rows = await db.select().from(workspaces);
  return new Map(rows.map((w) => [w.id, `${w.platform}:${w.externalId}`]));
}

const join = (xs: readonly string[] | undefined) => (xs ?? []).join('; ');

/** An obligation with its duty and date for the exports: `id (ref; duty; from 2027-12-02)`. */
function obligationCell(o: Obligation): string {
  if (o.applicableFrom === undefined) return `${o.id} (${o.ref})`;
  return `${o.id} (${o.ref}; ${o.duty ?? ''}; ${o.applicableFrom ? `from ${o.applicableFrom}` : 'no fixed date'})`;
}

/** Organisation-level controls: applicable whenever the AIMS exists (triage.md §10). */
const ORGANISATION_CONTROLS = new Set(['A.2.2', 'A.2.3', 'A.2.4', 'A.3.2', 'A.3.3']);

/** The inventory of every workspace (or one), by workspace and reference. */
export async function inventoryRows(db: Db, workspaceId?: number): Promise<InventoryRow[]> {
  return (await inventoryEntries(db, workspaceId)).map((e) => e.row);
}

/** Inventory rows with the obligations behind each. */
async function inventoryEntries(db: Db, workspaceId?: number): Promise<Array<{ row: InventoryRow; obligations: Obligation[] }>> {
  const labels = await workspaceLabels(db);
  const rows: Array<{ row: InventoryRow; obligations: Obligation[] }> = [];
  const ids = [...labels.keys()].filter((id) => workspaceId === undefined || id === workspaceId).sort((a, b) => a - b);
  for (const ws of ids) {
    const sys = await db.select({ id: aiSystems.id }).from(aiSystems).where(eq(aiSystems.workspaceId, ws)).orderBy(asc(aiSystems.refNumber));
    for (const s of await loadSystemViews(db, ws, sys.map((x) => x.id))) {
      const r = s.assessment?.result;
      const data = s.assessment?.answers['data_categories'];
      const row: InventoryRow = {
        workspace: labels.get(ws)!,
        ref: s.ref,
        name: s.name,
        vendor: s.vendor,
        url: s.url ?? '',
        purpose: s.purpose,
        owner: s.owner.name,
        owner_email: s.owner.email ?? '',
        department: s.department,
        usage_status: s.usageStatus,
        status: s.status,
        risk_class: s.riskClass ?? '',
        in_scope: r ? (r.inScope ? 'yes' : 'no') : '',
        ai_act_roles: join(r?.aiActRoles),
        iso_roles: join(r?.isoRoles),
        approvers: join(r?.approvers),
        obligations: join(r?.obligations.map(obligationCell)),
        controls: join(r?.controls),
        data_categories: Array.isArray(data) ? data.join('; ') : '',
        assessment_version: s.assessment ? String(s.assessment.version) : '',
        questionnaire_version: s.assessment ? String(s.assessment.questionnaireVersion) : '',
        next_review_at: s.nextReviewAt?.toISOString() ?? '',
        registered_at: s.createdAt.toISOString(),
      };
      rows.push({ row, obligations: r?.obligations ?? [] });
    }
  }
  return rows;
}

/** The Statement of Applicability over the systems in use (not retired, not blocked, in scope). */
export async function soaRows(db: Db, workspaceId?: number): Promise<SoaRow[]> {
  const inventory = await inventoryEntries(db, workspaceId);
  const live = inventory.filter(({ row: r }) => r.status !== 'retired' && r.status !== 'blocked' && r.in_scope === 'yes');
  return ANNEX_A_CONTROLS.map((c) => {
    const needing = live.filter(({ row: r }) => r.controls.split('; ').includes(c.id));
    const systems = needing.map(({ row: r }) => `${r.ref} ${r.name}`);
    const organisation = ORGANISATION_CONTROLS.has(c.id);
    return {
      control: c.id,
      group: c.group,
      title: c.title,
      applicable: systems.length || organisation ? 'yes' : 'no',
      systems: systems.join('; '),
      justification: systems.length
        ? `required by the triage of ${systems.length} registered AI system${systems.length > 1 ? 's' : ''}`
        : organisation
          ? 'organisation-level control: applies to the AI management system as a whole'
          : 'no registered AI system in use requires it; review when the inventory changes',
      obligation_dates: obligationDates(needing.flatMap((e) => e.obligations)),
    };
  });
}

/** Distinct dated obligations, earliest first: `id from 2027-12-02`. */
function obligationDates(obligations: Obligation[]): string {
  const seen = new Map<string, string>();
  for (const o of obligations) if (o.applicableFrom) seen.set(`${o.id} from ${o.applicableFrom}`, o.applicableFrom);
  return [...seen.entries()].sort((x, y) => x[1].localeCompare(y[1]) || x[0].localeCompare(y[0])).map(([k]) => k).join('; ');
}

/** The audit trail in chain order, per workspace. */
export async function auditRows(db: Db, workspaceId?: number, batchSize = 1000): Promise<AuditRow[]> {
  const labels = await workspaceLabels(db);
  const out: AuditRow[] = [];
  const ids = [...labels.keys()].filter((id) => workspaceId === undefined || id === workspaceId).sort((a, b) => a - b);
  for (const ws of ids) {
    for (let after = 0; ; ) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.workspaceId, ws), gt(auditEvents.seq, after)))
        .orderBy(asc(auditEvents.seq))
        .limit(batchSize);
      for (const e of rows) {
        out.push({
          workspace: labels.get(ws)!,
          seq: e.seq,
          occurred_at: e.occurredAt.toISOString(),
          actor: e.actor,
          action: e.action,
          subject_type: e.subjectType,
          subject_id: e.subjectId,
          data: JSON.stringify(e.data),
          prev_hash: e.prevHash,
          hash: e.hash,
        });
      }
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.seq;
    }
  }
  return out;
}


/** Every column of each export, in order. */
export const EXPORT_COLUMNS = {
  inventory: [
    'workspace', 'ref', 'name', 'vendor', 'url', 'purpose', 'owner', 'owner_email', 'department', 'usage_status', 'status',
    'risk_class', 'in_scope', 'ai_act_roles', 'iso_roles', 'approvers', 'obligations', 'controls', 'data_categories',
    'assessment_version', 'questionnaire_version', 'next_review_at', 'registered_at',
  ],
  soa: ['control', 'group', 'title', 'applicable', 'systems', 'justification', 'obligation_dates'],
  audit: ['workspace', 'seq', 'occurred_at', 'actor', 'action', 'subject_type', 'subject_id', 'data', 'prev_hash', 'hash'],
} as const satisfies Record<string, readonly string[]>;

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
export function toCsv<T extends object>(rows: T[], columns: readonly (keyof T & string)[]): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return FORMULA_START.test(text) ? `'${text}` : text;
  };
  return stringify([[...columns], ...rows.map((r) => columns.map((c) => cell(r[c])))]);
}
