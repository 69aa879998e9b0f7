/**
 * The questionnaire-v2 stage of the review-reminders job: systems whose current assessment was
 * made with questionnaire v1 and holds answers v2 cannot map (`vendor_customized`, emotion
 * recognition, published synthetic media, `public_service_provider`, the old Art. 5(1)(f)
 * value) are flagged "re-triage needed (questionnaire v2)" and their owners get one prompt.
 *
 * The flag is set under a lock on the system row together with its audit event and the
 * prompt; the prompt's dedupe key names the system and its assessment, so a second run, or two
 * workers racing, prompt once. The prompt waits for the end of quiet hours like every job
 * notification. A new assessment (re-triage or resubmission) clears the flag.
 */
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, assessments, people } from '../../db/schema';
import { appendAudit } from '../audit';
import { enqueue } from '../outbox';
import type { Policy } from '../policy';
import { unmappableV1Answers } from '../triage/v1-mapping';
import type { Answers } from '../triage/types';
import { systemRef } from '../views';
import type { JobDeps, JobReport } from './common';
import { nextAllowedTime } from './time';
import { auditTime } from './common';

/** The label compliance and owners see. */
export const RETRIAGE_LABEL = 're-triage needed (questionnaire v2)';

/**
 * Payload of `triage.retriage_needed` → `{person: ownerId}`: the owner is asked to answer the
 * triage again. Delivered like a review card (Slack action `review.update`, value = `ref`).
 */
export interface RetriagePromptPayload {
  [key: string]: unknown;
  systemId: number;
  ref: string;
  name: string;
  /** The v1 answers that have no v2 equivalent. */
  reasons: string[];
  text: string;
}

/** Flags every unflagged, unretired system with an unmappable v1 assessment, as of `now`. */
export async function runRetriageFlags(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const candidates = await db
    .select({ systemId: aiSystems.id, answers: assessments.answers })
    .from(aiSystems)
    .innerJoin(assessments, eq(assessments.id, aiSystems.currentAssessmentId))
    .where(and(eq(assessments.questionnaireVersion, 1), isNull(aiSystems.retriageNeededAt), ne(aiSystems.status, 'retired')))
    .orderBy(aiSystems.id);
  let enqueued = 0;
  for (const c of candidates) {
    if (unmappableV1Answers(c.answers as Answers).length === 0) continue;
    enqueued += await flagOne(db, policy, c.systemId, now, auditTime(deps));
  }
  return { enqueued, examined: candidates.length };
}

async function flagOne(db: Db, policy: Policy, systemId: number, now: Date, wallClock: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ system: aiSystems, assessment: assessments })
      .from(aiSystems)
      .innerJoin(assessments, eq(assessments.id, aiSystems.currentAssessmentId))
      .where(eq(aiSystems.id, systemId))
      .for('update', { of: aiSystems });
    if (!row || row.system.retriageNeededAt !== null || row.system.status === 'retired') return 0;
    if (row.assessment.questionnaireVersion !== 1) return 0;
    const reasons = unmappableV1Answers(row.assessment.answers as Answers);
    if (reasons.length === 0) return 0;
    const { system } = row;
    const ref = systemRef(system.refNumber);
    await tx
      .update(aiSystems)
      .set({ retriageNeededAt: now, retriageReason: reasons.join('; '), updatedAt: now })
      .where(eq(aiSystems.id, system.id));
    await appendAudit(tx, {
      workspaceId: system.workspaceId,
      actor: 'system',
      action: 'system.retriage_needed',
      subjectType: 'ai_system',
      subjectId: system.id,
      // Dated by the wall clock; the time the job ran "as of" is part of what it records.
      data: { assessmentId: row.assessment.id, questionnaireVersion: 1, reasons, asOf: now.toISOString() },
      at: wallClock,
    });
    const [owner] = await tx.select({ id: people.id }).from(people).where(eq(people.id, system.ownerId));
    if (!owner) return 0;
    const how =
      system.status === 'approved'
        ? `Choose "Update answers" on its review card (or /aims review ${ref}) and answer the new questions.`
        : `Answer the triage again when you resubmit ${ref}.`;
    const payload: RetriagePromptPayload = {
      systemId: system.id,
      ref,
      name: system.name,
      reasons,
      text:
        `${ref} "${system.name}": ${RETRIAGE_LABEL}. It was assessed with the first version of the questionnaire, ` +
        `and these answers have no equivalent in the new one: ${reasons.join(', ')}. ${how} ` +
        'If the class changes, a new approval starts.',
    };
    const written = await enqueue(tx, {
      workspaceId: system.workspaceId,
      dedupeKey: `triage.retriage_needed:${system.id}:${row.assessment.id}`,
      kind: 'triage.retriage_needed',
      recipient: { person: owner.id },
      payload,
      notBefore: nextAllowedTime(policy, now),
    });
    return written ? 1 : 0;
  });
}
