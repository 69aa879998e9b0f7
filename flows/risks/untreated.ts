/**
 * The "untreated high risk" flag (spec/aims.md, issue 13): a high-risk system with a risk whose
 * score (residual when given, else inherent) is at or above `risk.acceptBelow` and that is
 * neither treated (status `treated`, or its treatment task done) nor accepted. Other areas (the
 * inventory, App Home, the digest) call `untreatedRisksOf`.
 */
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
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
  const effective = sql<number>`coalesce(${risks.residualLikelihood} * ${risks.residualImpact}, ${risks.score})`;
  const rows = await db
    .select({ systemId: risks.systemId, riskId: risks.id, number: risks.number, score: effective, taskStatus: tasks.status })
    .from(risks)
    .innerJoin(aiSystems, eq(aiSystems.id, risks.systemId))
    // The treatment task, by its dedupe key (flows/risks/register.ts treatmentKey).
    .leftJoin(tasks, and(eq(tasks.workspaceId, risks.workspaceId), eq(tasks.dedupeKey, sql`'risk_treatment:' || ${risks.id}`)))
    .where(
      and(
        eq(risks.workspaceId, workspaceId),
        eq(aiSystems.riskClass, 'high'),
        eq(aiSystems.status, 'approved'),
        notInArray(risks.status, ['treated', 'accepted', 'closed']),
        sql`${effective} >= ${acceptBelow}`,
        systemIds ? inArray(risks.systemId, [...systemIds]) : undefined,
      ),
    )
    .orderBy(risks.systemId, risks.number);
  return rows.filter((r) => r.taskStatus !== 'done').map(({ systemId, riskId, number, score }) => ({ systemId, riskId, number, score: Number(score) }));
}

/** Untreated high risks counted per system id. */
export function countBySystem(list: readonly UntreatedRisk[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of list) out.set(r.systemId, (out.get(r.systemId) ?? 0) + 1);
  return out;
}
