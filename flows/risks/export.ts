/**
 * `export risks --format csv|json`: every risk of every workspace (or one), by workspace, system
 * and number, with snake_case keys like the other exports. The CSV goes through `toCsv`, which
 * neutralises formulas in user text. The range filter means "created or changed in range".
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import { localDateTime } from '../display';
import type { ExportOptions } from '../export-filter';
import { inRange, systemIdsByRef } from '../export-filter';
import { riskRef, taskRef } from '../refs';
import { systemRef } from '../views';
import { catalogEntry } from './catalog';
import { treatmentKey } from './register';
import { RISK_COLUMNS } from './columns';
import { CSV_BOM, toCsv } from '../exports';
import { localDate } from '../jobs/time';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { residualScoreOf, shownRiskStatus } from './untreated';

/** One risk as exported (JSON keeps numbers, lists and nulls; CSV joins lists with `; `). */
export interface RiskRecord {
  workspace: string;
  system_ref: string;
  system_name: string;
  ref: string;
  source: string;
  source_label: string;
  description: string;
  likelihood: number;
  impact: number;
  score: number;
  treatment: string;
  controls: string[];
  measures: string;
  treatment_owner: string | null;
  due_date: string | null;
  residual_likelihood: number | null;
  residual_impact: number | null;
  residual_score: number | null;
  status: string;
  accepted_by: string | null;
  accepted_at: string | null;
  accepted_at_local: string | null;
  treatment_task: string | null;
  treatment_task_status: string | null;
  created_at: string;
  updated_at: string;
}

export { RISK_COLUMNS } from './columns';

/** Every risk that `o` selects, as records. */
export async function riskRecords(db: Db, o: ExportOptions = {}): Promise<RiskRecord[]> {
  const tz = o.timezone ?? 'UTC';
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  const out: RiskRecord[] = [];
  for (const w of spaces) {
    const only = o.refs?.length ? [...(await systemIdsByRef(db, w.id, o.refs))] : null;
    if (only && only.length === 0) continue;
    const rows = await db
      .select({ risk: risks, refNumber: aiSystems.refNumber, name: aiSystems.name })
      .from(risks)
      .innerJoin(aiSystems, eq(aiSystems.id, risks.systemId))
      .where(and(eq(risks.workspaceId, w.id), only ? inArray(risks.systemId, only) : undefined))
      .orderBy(asc(aiSystems.refNumber), asc(risks.number));
    const ids = [...new Set(rows.flatMap((r) => [r.risk.treatmentOwnerId, r.risk.acceptedById]).filter((x): x is number => x !== null))];
    const names = new Map(ids.length ? (await db.select().from(people).where(and(eq(people.workspaceId, w.id), inArray(people.id, ids)))).map((p) => [p.id, p.displayName ?? p.platformId] as const) : []);
    const keys = rows.map((r) => treatmentKey(r.risk.id));
    const taskRows = keys.length ? await db.select().from(tasks).where(and(eq(tasks.workspaceId, w.id), inArray(tasks.dedupeKey, keys))) : [];
    const taskBy = new Map(taskRows.map((t) => [t.dedupeKey, t]));
    for (const { risk: r, refNumber, name } of rows) {
      if ((o.since || o.until) && !inRange(r.createdAt, o) && !inRange(r.updatedAt, o)) continue;
      const sref = systemRef(refNumber);
      const t = taskBy.get(treatmentKey(r.id));
      out.push({
        workspace: w.name ?? w.externalId,
        system_ref: sref,
        system_name: name,
        ref: riskRef(sref, r.number),
        source: r.source,
        source_label: catalogEntry(r.source)?.label ?? r.source,
        description: r.description,
        likelihood: r.likelihood,
        impact: r.impact,
        score: r.score,
        treatment: r.treatment,
        controls: r.controls,
        measures: r.measures,
        treatment_owner: r.treatmentOwnerId ? (names.get(r.treatmentOwnerId) ?? null) : null,
        due_date: r.dueDate,
        residual_likelihood: r.residualLikelihood,
        residual_impact: r.residualImpact,
        residual_score: residualScoreOf(r),
        status: shownRiskStatus(r.status, t?.status),
        accepted_by: r.acceptedById ? (names.get(r.acceptedById) ?? null) : null,
        accepted_at: r.acceptedAt?.toISOString() ?? null,
        accepted_at_local: r.acceptedAt ? localDateTime(r.acceptedAt, tz) : null,
        treatment_task: t ? taskRef(t.number) : null,
        treatment_task_status: t?.status ?? null,
        created_at: r.createdAt.toISOString(),
        updated_at: r.updatedAt.toISOString(),
      });
    }
  }
  return out;
}

/** The records as CSV cells: lists joined with `; `, nulls empty. */
export function riskCells(r: RiskRecord): Record<(typeof RISK_COLUMNS)[number], string> {
  const out = {} as Record<(typeof RISK_COLUMNS)[number], string>;
  for (const c of RISK_COLUMNS) {
    const v = r[c];
    out[c] = Array.isArray(v) ? v.join('; ') : v === null ? '' : String(v);
  }
  return out;
}

/** The risks export as a file for chat: compliance only, this workspace only. */
export async function riskExportFile(ctx: FlowContext, format: string): Promise<{ kind: 'file'; filename: string; content: string; rows: number } | Refusal> {
  if (format !== 'csv' && format !== 'json') return refuse('invalid', `Choose the format csv or json, e.g. "export risks csv" (got "${format.slice(0, 20)}").`);
  if (!isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email)) {
    return refuse('not_authorised', 'Only a member of compliance can export the risk registers in chat.');
  }
  const tz = ctx.deps.policy.organization.timezone;
  const records = await riskRecords(ctx.deps.db, { workspaceId: ctx.workspace.id, timezone: tz });
  const content = format === 'csv' ? CSV_BOM + toCsv(records.map(riskCells), RISK_COLUMNS) : `${JSON.stringify(records, null, 2)}\n`;
  return { kind: 'file', filename: `risks-${localDate(ctx.deps.clock.now(), tz)}.${format}`, content, rows: records.length };
}
