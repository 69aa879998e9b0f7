/**
 * The "assess the risks" prompt: when a system is approved, and on every re-triage, its owner
 * gets a message with the `risk.assess` button. Written to the outbox in the transaction of the
 * change; one per system and assessment, so a replayed decision sends nothing twice.
 */
import { and, eq } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import type { LifecycleChange } from '../lifecycle';
import { enqueue } from '../outbox';
import { systemRef } from '../views';

/** Outbox kind of the prompt. */
export const RISK_ASSESS_PROMPT = 'risk.assess_prompt';

/** Payload of {@link RISK_ASSESS_PROMPT}: adapters show `text` with the `risk.assess` button for `ref`. */
export interface RiskAssessPromptPayload {
  systemId: number;
  /** `AI-3`, the value of the `risk.assess` button. */
  ref: string;
  name: string;
  reason: 'approved' | 'retriaged';
  /** Plain text; adapters escape it. */
  text: string;
}

/** Lifecycle reaction: asks the owner to assess (or re-assess) the risks. */
export function promptRiskAssessment(reason: RiskAssessPromptPayload['reason']): (change: LifecycleChange) => Promise<void> {
  return async ({ tx, ctx, systemId, now }) => {
    const [s] = await tx
      .select({ refNumber: aiSystems.refNumber, name: aiSystems.name, ownerId: aiSystems.ownerId, assessmentId: aiSystems.currentAssessmentId })
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, ctx.workspace.id), eq(aiSystems.id, systemId)));
    if (!s) return;
    const ref = systemRef(s.refNumber);
    const payload: RiskAssessPromptPayload = {
      systemId,
      ref,
      name: s.name,
      reason,
      text:
        reason === 'approved'
          ? `${ref} "${s.name}" is approved. Please assess its risks: what could go wrong, how likely and how bad, and what we do about it.`
          : `${ref} "${s.name}" was re-triaged. Please review its risk assessment: are the risks, scores and treatments still right?`,
    };
    await enqueue(tx, {
      workspaceId: ctx.workspace.id,
      dedupeKey: `${RISK_ASSESS_PROMPT}:${systemId}:${s.assessmentId ?? 0}`,
      kind: RISK_ASSESS_PROMPT,
      recipient: { person: s.ownerId },
      payload: { ...payload },
      notBefore: now,
    });
  };
}
