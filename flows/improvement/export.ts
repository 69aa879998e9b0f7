/**
 * `export nonconformities --format csv|json`: every NC of every workspace (or one), by workspace
 * and number, with snake_case keys like the other exports; its corrective actions as task refs
 * with their status. The CSV goes through `toCsv`, which neutralises formulas in user text. The
 * range filter means "created or changed in range"; `--ref AI-n` keeps the NCs of those systems.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { nonconformities } from '../../db/schema-improve';
import type { ExportOptions } from '../export-filter';
import { inRange, systemIdsByRef } from '../export-filter';
import { CSV_BOM, toCsv } from '../exports';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import { ncRef, taskRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { systemRef } from '../views';
import { NC_COLUMNS } from './columns';
import { isCompliance } from './view';

export { NC_COLUMNS } from './columns';

/** One NC as exported. */
export interface NcRecord {
  workspace: string;
  ref: string;
  source: string;
  severity: string;
  system_ref: string | null;
  description: string;
  owner: string | null;
  containment: string | null;
  root_cause: string | null;
  actions: Array<{ ref: string; status: string }>;
  effectiveness_due: string | null;
  effective: boolean | null;
  verified_by: string | null;
  verified_at: string | null;
  status: string;
  closed_by: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Every NC that `o` selects, as records. */
export async function ncRecords(db: Db, o: ExportOptions = {}): Promise<NcRecord[]> {
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  const out: NcRecord[] = [];
  for (const w of spaces) {
    const only = o.refs?.length ? [...(await systemIdsByRef(db, w.id, o.refs))] : null;
    if (only && only.length === 0) continue;
    const rows = await db
      .select({ nc: nonconformities, refNumber: aiSystems.refNumber })
      .from(nonconformities)
      .leftJoin(aiSystems, eq(aiSystems.id, nonconformities.systemId))
      .where(and(eq(nonconformities.workspaceId, w.id), only ? inArray(nonconformities.systemId, only) : undefined))
      .orderBy(asc(nonconformities.number));
    if (rows.length === 0) continue;
    const ids = [...new Set(rows.flatMap((r) => [r.nc.ownerId, r.nc.verifiedById, r.nc.closedById]).filter((x): x is number => x !== null))];
    const names = new Map(ids.length ? (await db.select().from(people).where(and(eq(people.workspaceId, w.id), inArray(people.id, ids)))).map((p) => [p.id, p.displayName ?? p.platformId] as const) : []);
    const name = (id: number | null) => (id === null ? null : (names.get(id) ?? null));
    const actionRows = await db
      .select({ subjectId: tasks.subjectId, number: tasks.number, status: tasks.status })
      .from(tasks)
      .where(and(eq(tasks.workspaceId, w.id), eq(tasks.kind, 'corrective_action'), eq(tasks.subjectType, 'nc')))
      .orderBy(asc(tasks.number));
    const actions = new Map<number, Array<{ ref: string; status: string }>>();
    for (const a of actionRows) actions.set(a.subjectId, [...(actions.get(a.subjectId) ?? []), { ref: taskRef(a.number), status: a.status }]);
    for (const { nc, refNumber } of rows) {
      if ((o.since || o.until) && !inRange(nc.createdAt, o) && !inRange(nc.updatedAt, o)) continue;
      out.push({
        workspace: w.name ?? w.externalId,
        ref: ncRef(nc.number),
        source: nc.source,
        severity: nc.severity,
        system_ref: refNumber !== null ? systemRef(refNumber) : null,
        description: nc.description,
        owner: name(nc.ownerId),
        containment: nc.containment,
        root_cause: nc.rootCause,
        actions: actions.get(nc.id) ?? [],
        effectiveness_due: nc.effectivenessDueAt?.toISOString() ?? null,
        effective: nc.effective,
        verified_by: name(nc.verifiedById),
        verified_at: nc.verifiedAt?.toISOString() ?? null,
        status: nc.status,
        closed_by: name(nc.closedById),
        closed_at: nc.closedAt?.toISOString() ?? null,
        created_at: nc.createdAt.toISOString(),
        updated_at: nc.updatedAt.toISOString(),
      });
    }
  }
  return out;
}

/** A record as CSV cells: actions as `T-3 (done); T-4 (open)`, booleans `yes`/`no`, nulls empty. */
export function ncCells(r: NcRecord): Record<(typeof NC_COLUMNS)[number], string> {
  const out = {} as Record<(typeof NC_COLUMNS)[number], string>;
  for (const c of NC_COLUMNS) {
    const v = r[c];
    out[c] = c === 'actions' ? r.actions.map((a) => `${a.ref} (${a.status})`).join('; ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v === null ? '' : String(v);
  }
  return out;
}

/** The NC export as a file for chat: compliance only, this workspace only. */
export async function ncExportFile(ctx: FlowContext, format: string): Promise<{ kind: 'file'; filename: string; content: string; rows: number } | Refusal> {
  if (format !== 'csv' && format !== 'json') return refuse('invalid', `Choose the format csv or json, e.g. "export nonconformities csv" (got "${format.slice(0, 20)}").`);
  if (!isCompliance(ctx.deps.policy, ctx.actor)) return refuse('not_authorised', 'Only a member of compliance can export the nonconformities in chat.');
  const tz = ctx.deps.policy.organization.timezone;
  const records = await ncRecords(ctx.deps.db, { workspaceId: ctx.workspace.id, timezone: tz });
  const content = format === 'csv' ? CSV_BOM + toCsv(records.map(ncCells), NC_COLUMNS) : `${JSON.stringify(records, null, 2)}\n`;
  return { kind: 'file', filename: `nonconformities-${localDate(ctx.deps.clock.now(), tz)}.${format}`, content, rows: records.length };
}
