/**
 * The risk register as a neutral view (`risks <ref>`): a 5×5 heat map (counts per cell) and the
 * list, with what the viewer may do. Every adapter renders it with its own escaping.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { people } from '../../db/schema';
import { risks, tasks } from '../../db/schema-aims';
import type { FlowContext } from '../ports';
import { riskRef, taskRef } from '../refs';
import { systemByRef } from '../registration';
import type { Refusal } from '../results';
import type { SystemView } from '../views';
import type { RiskRow } from './access';
import { acceptRefusal, acceptanceScore, riskRights } from './access';
import { catalogEntry } from './catalog';
import { treatmentKey } from './register';
import { residualScoreOf, shownRiskStatus, untreatedRisksOf } from './untreated';

/** One risk as shown. */
export interface RiskView {
  /** `AI-3/R-1` */
  ref: string;
  number: number;
  source: string;
  sourceLabel: string;
  description: string;
  likelihood: number;
  impact: number;
  score: number;
  treatment: string;
  controls: string[];
  measures: string;
  treatmentOwner: string | null;
  dueDate: string | null;
  residualLikelihood: number | null;
  residualImpact: number | null;
  /** Residual score when given, else null. */
  residualScore: number | null;
  status: 'open' | 'treating' | 'treated' | 'accepted' | 'closed';
  acceptedBy: string | null;
  acceptedAt: Date | null;
  /** The treatment task (`T-12`) and its status, when there is one. */
  task: { ref: string; status: string } | null;
  /** Its current score (residual when given) is at or above `risk.acceptBelow`. */
  aboveThreshold: boolean;
  /** The viewer may accept it now (not yet accepted, and allowed for its score). */
  canAccept: boolean;
  /** The viewer may edit it. */
  canEdit: boolean;
}

/** A system's risk register. */
export interface RiskRegisterView {
  system: Pick<SystemView, 'id' | 'ref' | 'name' | 'status' | 'riskClass'> & { owner: string };
  /** Every risk, closed ones last. */
  risks: RiskView[];
  /** `heat[impact - 1][likelihood - 1]`: how many risks that are not closed sit in that cell (residual position when given). */
  heat: number[][];
  acceptBelow: number;
  acceptAboveBy: string;
  /** How many untreated risks at or above the threshold (counted for approved high-risk systems only). */
  untreated: number;
  canAssess: boolean;
}

/** The register of one system; anyone who can see the system can read it. */
export async function riskRegister(ctx: FlowContext, ref: string): Promise<RiskRegisterView | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  return registerView(ctx, system);
}

/** Builds the register view of a loaded system. */
export async function registerView(ctx: FlowContext, system: SystemView): Promise<RiskRegisterView> {
  const { db, policy } = ctx.deps;
  const ws = ctx.workspace.id;
  const rows = await db.select().from(risks).where(and(eq(risks.workspaceId, ws), eq(risks.systemId, system.id))).orderBy(asc(risks.number));
  const personIds = [...new Set(rows.flatMap((r) => [r.treatmentOwnerId, r.acceptedById]).filter((x): x is number => x !== null))];
  const names = new Map(
    personIds.length === 0
      ? []
      : (await db.select().from(people).where(and(eq(people.workspaceId, ws), inArray(people.id, personIds)))).map((p) => [p.id, p.displayName ?? p.platformId] as const),
  );
  const keys = rows.map((r) => treatmentKey(r.id));
  const taskRows = keys.length === 0 ? [] : await db.select().from(tasks).where(and(eq(tasks.workspaceId, ws), inArray(tasks.dedupeKey, keys)));
  const taskByKey = new Map(taskRows.map((t) => [t.dedupeKey, t]));
  const rights = riskRights(policy, system, ctx.actor);
  const open = system.status !== 'retired';
  const view = (r: RiskRow): RiskView => {
    const t = taskByKey.get(treatmentKey(r.id));
    const current = acceptanceScore(r);
    const status = shownRiskStatus(r.status, t?.status) as RiskView['status'];
    return {
      ref: riskRef(system.ref, r.number),
      number: r.number,
      source: r.source,
      sourceLabel: catalogEntry(r.source)?.label ?? r.source,
      description: r.description,
      likelihood: r.likelihood,
      impact: r.impact,
      score: r.score,
      treatment: r.treatment,
      controls: r.controls,
      measures: r.measures,
      treatmentOwner: r.treatmentOwnerId ? (names.get(r.treatmentOwnerId) ?? null) : null,
      dueDate: r.dueDate,
      residualLikelihood: r.residualLikelihood,
      residualImpact: r.residualImpact,
      residualScore: residualScoreOf(r),
      status,
      acceptedBy: r.acceptedById ? (names.get(r.acceptedById) ?? null) : null,
      acceptedAt: r.acceptedAt,
      task: t ? { ref: taskRef(t.number), status: t.status } : null,
      aboveThreshold: current >= policy.risk.acceptBelow,
      canAccept: open && status !== 'accepted' && status !== 'closed' && acceptRefusal(policy, system, rights, current) === null,
      canEdit: open && rights.canEdit && status !== 'closed',
    };
  };
  const list = rows.map(view).sort((a, b) => Number(a.status === 'closed') - Number(b.status === 'closed') || a.number - b.number);
  const heat = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  for (const r of list) {
    if (r.status === 'closed') continue;
    heat[(r.residualImpact ?? r.impact) - 1]![(r.residualLikelihood ?? r.likelihood) - 1]! += 1;
  }
  const untreated = await untreatedRisksOf(db, ws, [system.id], { acceptBelow: policy.risk.acceptBelow });
  return {
    system: { id: system.id, ref: system.ref, name: system.name, status: system.status, riskClass: system.riskClass, owner: system.owner.name },
    risks: list,
    heat,
    acceptBelow: policy.risk.acceptBelow,
    acceptAboveBy: policy.risk.acceptAboveBy,
    untreated: untreated.length,
    canAssess: open && rights.canEdit,
  };
}

/**
 * The heat map as monospace text lines (impact 5 at the top, likelihood 1–5 left to right);
 * only digits and fixed labels, so every platform can show it in a code block as it is.
 */
export function heatMapLines(heat: readonly (readonly number[])[]): string[] {
  const cell = (n: number) => (n === 0 ? '  .' : String(n).padStart(3));
  const lines = ['Impact'];
  for (let i = 4; i >= 0; i--) lines.push(`  ${i + 1} |${(heat[i] ?? []).map(cell).join('')}`);
  lines.push('    +---------------');
  lines.push('      1  2  3  4  5  Likelihood');
  return lines;
}
