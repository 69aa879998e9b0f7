/**
 * `export impact --format csv|json`: every impact assessment (`AI-3/IA-n`, A.5.4/A.5.5 and, where
 * Art. 27 applies, the FRIA elements) of every workspace, by workspace, system and number, so an
 * auditor can sample them all — `export fria <ref>` gives one FRIA as a document. Superseded
 * assessments are kept and marked (`current` false). The range filter means "assessed in range".
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { impactAssessments } from '../../db/schema-aims';
import { localDateTime } from '../display';
import type { ExportOptions } from '../export-filter';
import { inRange, systemIdsByRef } from '../export-filter';
import { impactRef } from '../refs';
import { systemRef } from '../views';

/** Columns of the CSV, in order. */
export const IMPACT_COLUMNS = [
  'workspace', 'system_ref', 'system_name', 'ref', 'current', 'version', 'fria', 'assessed_by', 'assessed_at', 'assessed_at_local', 'due_at', 'answers',
] as const;

/** One impact assessment as exported (JSON keeps booleans and the answers object; CSV gives the answers as JSON text). */
export interface ImpactRecord {
  workspace: string;
  system_ref: string;
  system_name: string;
  ref: string;
  /** The newest assessment of its system. */
  current: boolean;
  version: number;
  fria: boolean;
  assessed_by: string | null;
  assessed_at: string;
  assessed_at_local: string;
  due_at: string | null;
  answers: Record<string, unknown>;
}

/** Every impact assessment that `o` selects, in pages of one workspace's assessments. */
export async function* impactRecordPages(db: Db, o: ExportOptions = {}): AsyncGenerator<ImpactRecord[]> {
  const tz = o.timezone ?? 'UTC';
  const spaces = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).filter((w) => o.workspaceId === undefined || w.id === o.workspaceId);
  for (const w of spaces) {
    const only = o.refs?.length ? [...(await systemIdsByRef(db, w.id, o.refs))] : null;
    if (only && only.length === 0) continue;
    const rows = await db
      .select({ ia: impactAssessments, refNumber: aiSystems.refNumber, name: aiSystems.name, by: people.displayName, byId: people.platformId })
      .from(impactAssessments)
      .innerJoin(aiSystems, eq(aiSystems.id, impactAssessments.systemId))
      .leftJoin(people, eq(people.id, impactAssessments.assessedById))
      .where(and(eq(impactAssessments.workspaceId, w.id), only ? inArray(impactAssessments.systemId, only) : undefined))
      .orderBy(asc(aiSystems.refNumber), asc(impactAssessments.number));
    const newest = new Map<number, number>();
    for (const { ia } of rows) newest.set(ia.systemId, Math.max(newest.get(ia.systemId) ?? 0, ia.number));
    const page: ImpactRecord[] = [];
    for (const { ia, refNumber, name, by, byId } of rows) {
      if ((o.since || o.until) && !inRange(ia.createdAt, o)) continue;
      const sref = systemRef(refNumber);
      page.push({
        workspace: w.name ?? w.externalId,
        system_ref: sref,
        system_name: name,
        ref: impactRef(sref, ia.number),
        current: newest.get(ia.systemId) === ia.number,
        version: ia.version,
        fria: ia.fria,
        assessed_by: by ?? byId ?? null,
        assessed_at: ia.createdAt.toISOString(),
        assessed_at_local: localDateTime(ia.createdAt, tz),
        due_at: ia.dueAt?.toISOString() ?? null,
        answers: ia.answers,
      });
    }
    if (page.length) yield page;
  }
}

/** A record as CSV cells: the answers as JSON text, nulls empty. */
export function impactCells(r: ImpactRecord): Record<(typeof IMPACT_COLUMNS)[number], string> {
  const out = {} as Record<(typeof IMPACT_COLUMNS)[number], string>;
  for (const c of IMPACT_COLUMNS) {
    const v = r[c];
    out[c] = c === 'answers' ? JSON.stringify(v) : v === null ? '' : String(v);
  }
  return out;
}
