/**
 * Who may do what with a system's risk register (spec/aims.md): anyone who can see the system
 * reads it; its owner and compliance assess, add and edit; a residual score below
 * `risk.acceptBelow` may be accepted by the owner, at or above it only by the group
 * `risk.acceptAboveBy` names.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { risks } from '../../db/schema-aims';
import type { Policy } from '../policy';
import { isGroupMember } from '../policy';
import type { FlowContext, Person } from '../ports';
import { parseRiskRef } from '../refs';
import { systemByRef } from '../registration';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { SystemView } from '../views';

/** A risk row as stored. */
export type RiskRow = typeof risks.$inferSelect;

/** What the actor may do with one system's risks. */
export interface RiskRights {
  isOwner: boolean;
  isCompliance: boolean;
  /** Assess, add and edit. */
  canEdit: boolean;
  /** A member of the group that accepts residual scores at or above the threshold. */
  inAcceptGroup: boolean;
}

/** The group of compliance officers (built-in role). */
const COMPLIANCE = 'compliance';

/** The actor's rights over a system's risks. */
export function riskRights(policy: Policy, system: SystemView, actor: Person): RiskRights {
  const isOwner = system.owner.id === actor.id;
  const isCompliance = isGroupMember(policy, COMPLIANCE, actor.platformId, actor.email);
  const inAcceptGroup = isGroupMember(policy, policy.risk.acceptAboveBy, actor.platformId, actor.email);
  return { isOwner, isCompliance, canEdit: isOwner || isCompliance, inAcceptGroup };
}

/** The score acceptance is judged on: the residual one when given, else the inherent one. */
export function acceptanceScore(r: Pick<RiskRow, 'score' | 'residualLikelihood' | 'residualImpact'>): number {
  return r.residualLikelihood !== null && r.residualImpact !== null ? r.residualLikelihood * r.residualImpact : r.score;
}

/** Whether the actor may accept a risk of this score, and if not, why (a sentence). */
export function acceptRefusal(policy: Policy, system: SystemView, rights: RiskRights, score: number): string | null {
  const { acceptBelow, acceptAboveBy } = policy.risk;
  if (score < acceptBelow) {
    if (rights.isOwner || rights.inAcceptGroup) return null;
    return `Only the owner of ${system.ref} (${system.owner.name}) or a member of ${acceptAboveBy} can accept this risk.`;
  }
  if (rights.inAcceptGroup) return null;
  return `The residual score is ${score}, at or above ${acceptBelow}: only a member of ${acceptAboveBy} can accept it.`;
}

/** A system the actor may assess: owner or compliance, and not retired. */
export async function editableSystem(ctx: FlowContext, ref: string): Promise<{ system: SystemView; rights: RiskRights } | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  const rights = riskRights(ctx.deps.policy, system, ctx.actor);
  if (!rights.canEdit) {
    return refuse('not_authorised', `Only the owner of ${system.ref} (${system.owner.name}) or a member of compliance can assess its risks.`);
  }
  if (system.status === 'retired') return refuse('closed', `${system.ref} is retired; its risk register is closed.`);
  return { system, rights };
}

/** Finds a risk by its reference (`AI-3/R-1`) in the actor's workspace, with its system. */
export async function riskByRef(ctx: FlowContext, text: string): Promise<{ system: SystemView; risk: RiskRow } | Refusal> {
  const parsed = parseRiskRef(text);
  if (!parsed) return refuse('invalid', `"${text.slice(0, 40)}" is not a risk reference; use the form AI-3/R-1.`);
  const system = await systemByRef(ctx, parsed.systemRef);
  if ('kind' in system) return system;
  const risk = await riskOf(ctx.deps.db, ctx.workspace.id, system.id, parsed.n);
  if (!risk) return refuse('not_found', `${system.ref} has no risk R-${parsed.n}.`);
  return { system, risk };
}

/** One risk of a system by number, optionally locked for this transaction. */
export async function riskOf(db: Db, workspaceId: number, systemId: number, n: number, lock = false): Promise<RiskRow | undefined> {
  const q = db
    .select()
    .from(risks)
    .where(and(eq(risks.workspaceId, workspaceId), eq(risks.systemId, systemId), eq(risks.number, n)));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}
