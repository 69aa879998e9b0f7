/**
 * Accepting a residual risk (spec/aims.md): below `risk.acceptBelow` the system owner may accept
 * (or a member of the accepting group); at or above it only a member of the group
 * `risk.acceptAboveBy` names. When the owner asks for one above the threshold, the answer says
 * who can accept, and that group is asked through the outbox with the accept button.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people } from '../../db/schema';
import { risks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { localDay } from '../display';
import { ensurePerson, personLabel } from '../identity';
import { enqueue } from '../outbox';
import { groupMembers } from '../policy';
import type { FlowContext } from '../ports';
import { riskRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { SystemView } from '../views';
import type { RiskRow } from './access';
import { acceptRefusal, acceptanceScore, riskByRef, riskOf, riskRights } from './access';

/** Outbox kind asking the accepting group to accept a residual risk. */
export const RISK_ACCEPTANCE_REQUESTED = 'risk.acceptance_requested';

/** Payload of {@link RISK_ACCEPTANCE_REQUESTED}: adapters show `text` with the `risk.accept_residual` button for `riskRef`. */
export interface RiskAcceptancePayload {
  riskId: number;
  systemId: number;
  /** `AI-3/R-1`, the value of the accept button. */
  riskRef: string;
  systemRef: string;
  name: string;
  score: number;
  /** Plain text; adapters escape it. */
  text: string;
}

/** The outcome of `acceptResidual`. */
export interface RiskAccepted {
  kind: 'accepted';
  system: SystemView;
  risk: RiskRow;
  /** It was already accepted (a replay or a second click): nothing changed. */
  already: boolean;
  /** Who accepted it (for `already`, the earlier acceptance). */
  acceptedBy: string;
}

/**
 * Accepts a risk's residual score. Safe to replay and to race: the row is locked, and a risk
 * already accepted is reported as such without a second event.
 */
export async function acceptResidual(ctx: FlowContext, text: string): Promise<RiskAccepted | Refusal> {
  const found = await riskByRef(ctx, text);
  if ('kind' in found) return found;
  const { system } = found;
  if (system.status === 'retired') return refuse('closed', `${system.ref} is retired; its risk register is closed.`);
  const { policy } = ctx.deps;
  const rights = riskRights(policy, system, ctx.actor);
  const ref = riskRef(system.ref, found.risk.number);
  return ctx.deps.db.transaction(async (tx) => {
    const risk = (await riskOf(tx, ctx.workspace.id, system.id, found.risk.number, true))!;
    if (risk.status === 'accepted') {
      const [by] = risk.acceptedById ? await tx.select().from(people).where(eq(people.id, risk.acceptedById)) : [];
      const who = by ? personLabel(by) : 'someone';
      return { kind: 'accepted' as const, system, risk, already: true, acceptedBy: who };
    }
    if (risk.status === 'closed') return refuse('closed', `${ref} was dropped from the register; there is nothing to accept.`);
    const score = acceptanceScore(risk);
    const why = acceptRefusal(policy, system, rights, score);
    if (why) {
      if (!rights.isOwner) return refuse('not_authorised', why);
      const asked = await askGroup(ctx, system, risk, ref, score, tx);
      return refuse('not_authorised', asked ? `${why} I have asked them to look at ${ref}.` : `${why} Nobody in ${policy.risk.acceptAboveBy} can be reached here; ask compliance to add members to that group.`);
    }
    const now = ctx.deps.clock.now();
    const [row] = await tx
      .update(risks)
      .set({ status: 'accepted', acceptedById: ctx.actor.id, acceptedAt: now, updatedAt: now })
      .where(eq(risks.id, risk.id))
      .returning();
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'risk.accepted',
      subjectType: 'risk',
      subjectId: ref,
      data: {
        systemId: system.id,
        score,
        residual: risk.residualLikelihood !== null,
        acceptBelow: policy.risk.acceptBelow,
        as: score < policy.risk.acceptBelow && rights.isOwner ? 'owner' : policy.risk.acceptAboveBy,
        previousStatus: risk.status,
      },
      at: now,
    });
    return { kind: 'accepted' as const, system, risk: row!, already: false, acceptedBy: personLabel(ctx.actor) };
  });
}

/**
 * Asks every reachable member of the accepting group (same platform as this workspace) to accept
 * the risk; one message per member, risk and score however often the owner asks.
 */
async function askGroup(ctx: FlowContext, system: SystemView, risk: RiskRow, ref: string, score: number, tx: Db): Promise<boolean> {
  const { policy, clock } = ctx.deps;
  const now = clock.now();
  const prefix = `${ctx.workspace.platform}:`;
  const members = groupMembers(policy, policy.risk.acceptAboveBy).filter((m) => m.startsWith(prefix));
  const payload: RiskAcceptancePayload = {
    riskId: risk.id,
    systemId: system.id,
    riskRef: ref,
    systemRef: system.ref,
    name: system.name,
    score,
    text:
      `${system.owner.name} asks you to accept the residual risk ${ref} of ${system.ref} "${system.name}": ` +
      `score ${score} (at or above ${policy.risk.acceptBelow}), treatment ${risk.treatment}` +
      (risk.dueDate ? `, due ${risk.dueDate}` : '') +
      `. ${risk.description}`,
  };
  for (const m of members) {
    const person = await ensurePerson(tx, ctx.workspace.id, { platformId: m }, now);
    await enqueue(tx, {
      workspaceId: ctx.workspace.id,
      dedupeKey: `risk.acceptance:${risk.id}:${score}:${person.id}`,
      kind: RISK_ACCEPTANCE_REQUESTED,
      recipient: { person: person.id },
      payload: { ...payload },
      notBefore: now,
    });
  }
  return members.length > 0;
}

/** When a risk was accepted, as a day in the policy's zone (for views). */
export function acceptedDay(risk: RiskRow, tz: string): string {
  return localDay(risk.acceptedAt, tz);
}
