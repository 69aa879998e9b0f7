/**
 * The "untreated high risk" flag (spec/aims.md, issue 13): a high-risk system with a risk whose
 * score (residual when given, else inherent) is at or above `risk.acceptBelow` and that is
 * neither treated (status `treated`, or its treatment task done) nor accepted. Other areas (the
 * inventory, App Home, the digest) call `untreatedRisksOf`.
 */
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';

/** One untreated high risk. */
export interface UntreatedRisk {
  systemId: number;
  riskId: number;
  /** The `n` of `AI-<ref>/R-<n>`. */
  number: number;
  score: number;
}

/** The policy's default `risk.acceptBelow`. */
const DEFAULT_ACCEPT_BELOW = 8;

/** A risk's score as it stands: residual when both residual values are set, else inherent. */
export const effectiveRiskScore = sql<number>`coalesce(${risks.residualLikelihood} * ${risks.residualImpact}, ${risks.score})`;

/**
 * The "untreated high risk" rule as one SQL condition over `risks` joined with `ai_systems`: an
 * approved high-risk system's risk scored at or above `acceptBelow`, neither treated (status, or
 * its treatment task done), accepted nor closed. Every count and list of them uses it.
 */
export function untreatedRiskCondition(workspaceId: number, acceptBelow: number): SQL {
  return and(
    eq(risks.workspaceId, workspaceId),
    eq(aiSystems.riskClass, 'high'),
    eq(aiSystems.status, 'approved'),
    notInArray(risks.status, ['treated', 'accepted', 'closed']),
    sql`${effectiveRiskScore} >= ${acceptBelow}`,
    // The treatment task, by its dedupe key (flows/risks/register.ts treatmentKey).
    sql`not exists (select 1 from ${tasks} t where t.workspace_id = ${risks.workspaceId} and t.dedupe_key = 'risk_treatment:' || ${risks.id} and t.status = 'done')`,
  )!;
}

/**
 * The untreated risks at or above `acceptBelow` (pass the policy's `risk.acceptBelow`; 8 when
 * omitted) of the workspace's approved high-risk systems, or of `systemIds` among them, ordered
 * by system and number.
 */
export async function untreatedRisksOf(
  db: Db,
  workspaceId: number,
  systemIds?: readonly number[] | null,
  opts: { acceptBelow?: number } = {},
): Promise<UntreatedRisk[]> {
  if (systemIds && systemIds.length === 0) return [];
  const acceptBelow = opts.acceptBelow ?? DEFAULT_ACCEPT_BELOW;
  const rows = await db
    .select({ systemId: risks.systemId, riskId: risks.id, number: risks.number, score: effectiveRiskScore })
    .from(risks)
    .innerJoin(aiSystems, eq(aiSystems.id, risks.systemId))
    .where(and(untreatedRiskCondition(workspaceId, acceptBelow), systemIds ? inArray(risks.systemId, [...systemIds]) : undefined))
    .orderBy(risks.systemId, risks.number);
  return rows.map(({ systemId, riskId, number, score }) => ({ systemId, riskId, number, score: Number(score) }));
}

/** Untreated high risks counted per system id. */
export function countBySystem(list: readonly UntreatedRisk[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of list) out.set(r.systemId, (out.get(r.systemId) ?? 0) + 1);
  return out;
}

/** The residual score (likelihood × impact) when both are given, else null. */
export function residualScoreOf(r: { residualLikelihood: number | null; residualImpact: number | null }): number | null {
  return r.residualLikelihood !== null && r.residualImpact !== null ? r.residualLikelihood * r.residualImpact : null;
}

/** A risk's status as shown: one being treated whose treatment task is done reads as treated. */
export function shownRiskStatus(status: string, treatmentTaskStatus: string | undefined): string {
  return status === 'treating' && treatmentTaskStatus === 'done' ? 'treated' : status;
}
