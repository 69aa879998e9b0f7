/**
 * The questionnaire-v2 stage of the review-reminders job: systems whose current assessment was
 * made with questionnaire v1 and holds answers v2 cannot map (`vendor_customized`, emotion
 * recognition, published synthetic media, `public_service_provider`, the old Art. 5(1)(f)
 * value) are flagged "re-triage needed (questionnaire v2)" and their owners get one prompt.
 *
 * Set-based, in pages of {@link PAGE} systems (keyset on the id): per page one statement sets
 * the flags (only on systems still unflagged, unretired and on the same assessment), one writes
 * the prompts (ON CONFLICT DO NOTHING on their dedupe keys) and one chains the audit events, all
 * in one transaction; the prompt's dedupe key names the system and its assessment, so a second
 * run, or two workers racing, prompt once. The prompt waits for the end of quiet hours like every job
 * notification. A new assessment (re-triage or resubmission) clears the flag.
 */
import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, assessments } from '../../db/schema';
import type { AuditInput } from '../audit';
import { appendAuditBatch } from '../audit';
import type { NotificationInput } from '../outbox';
import { enqueueMany } from '../outbox';
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

/** Systems read and written per transaction. */
const PAGE = 1000;

type Candidate = {
  id: number;
  workspaceId: number;
  refNumber: number;
  name: string;
  status: string;
  ownerId: number;
  assessmentId: number;
  answers: unknown;
};
type Flag = { c: Candidate; reasons: string[] };

/** Flags every unflagged, unretired system with an unmappable v1 assessment, as of `now`. */
export async function runRetriageFlags(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const notBefore = nextAllowedTime(policy, now);
  const at = auditTime(deps);
  let enqueued = 0;
  let examined = 0;
  let after = 0;
  // No questionnaire-v1 assessment at all (an installation that started on v2): nothing to look
  // at. The partial index assessments_questionnaire_v1_idx answers this without reading the
  // assessments, which the join below would (every version, answers and results).
  const [anyV1] = await db.select({ id: assessments.id }).from(assessments).where(eq(assessments.questionnaireVersion, 1)).limit(1);
  if (!anyV1) return { enqueued, examined };
  for (;;) {
    const page: Candidate[] = await db
      .select({
        id: aiSystems.id,
        workspaceId: aiSystems.workspaceId,
        refNumber: aiSystems.refNumber,
        name: aiSystems.name,
        status: aiSystems.status,
        ownerId: aiSystems.ownerId,
        assessmentId: assessments.id,
        answers: assessments.answers,
      })
      .from(aiSystems)
      .innerJoin(assessments, eq(assessments.id, aiSystems.currentAssessmentId))
      .where(and(eq(assessments.questionnaireVersion, 1), isNull(aiSystems.retriageNeededAt), ne(aiSystems.status, 'retired'), gt(aiSystems.id, after)))
      .orderBy(asc(aiSystems.id))
      .limit(PAGE);
    if (page.length === 0) break;
    examined += page.length;
    after = page[page.length - 1]!.id;
    const flags = page.map((c) => ({ c, reasons: unmappableV1Answers(c.answers as Answers) })).filter((f) => f.reasons.length > 0);
    if (flags.length > 0) enqueued += await db.transaction((tx) => writeFlags(tx, flags, now, notBefore, at));
    if (page.length < PAGE) break;
  }
  return { enqueued, examined };
}

/** Sets the flags still to set, then writes their audit events and prompts. Returns prompts written. */
async function writeFlags(tx: Db, flags: Flag[], now: Date, notBefore: Date, at: Date): Promise<number> {
  const rows = flags.map((f) => ({ id: f.c.id, assessment: f.c.assessmentId, reason: f.reasons.join('; ') }));
  const won = await tx.execute<{ id: number }>(sql`
    update ai_systems s
    set retriage_needed_at = ${now.toISOString()}::timestamptz, retriage_reason = v.reason, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id integer, assessment integer, reason text)
    where s.id = v.id and s.retriage_needed_at is null and s.status <> 'retired' and s.current_assessment_id = v.assessment
    returning s.id`);
  const got = Array.isArray(won) ? (won as Array<{ id: number }>) : ((won as { rows?: Array<{ id: number }> }).rows ?? []);
  const ids = new Set(got.map((w) => Number(w.id)));
  const mine = flags.filter((f) => ids.has(f.c.id));
  const events: AuditInput[] = mine.map(({ c, reasons }) => ({
    workspaceId: c.workspaceId,
    actor: 'system',
    action: 'system.retriage_needed',
    subjectType: 'ai_system',
    subjectId: c.id,
    // Dated by the wall clock; the time the job ran "as of" is part of what it records.
    data: { assessmentId: c.assessmentId, questionnaireVersion: 1, reasons, asOf: now.toISOString() },
    at,
  }));
  await appendAuditBatch(tx, events);
  const prompts: NotificationInput[] = mine.map(({ c, reasons }) => {
    const ref = systemRef(c.refNumber);
    const how =
      c.status === 'approved'
        ? `Choose "Update answers" on its review card (or /aims review ${ref}) and answer the new questions.`
        : `Answer the triage again when you resubmit ${ref}.`;
    const payload: RetriagePromptPayload = {
      systemId: c.id,
      ref,
      name: c.name,
      reasons,
      text:
        `${ref} "${c.name}": ${RETRIAGE_LABEL}. It was assessed with the first version of the questionnaire, ` +
        `and these answers have no equivalent in the new one: ${reasons.join(', ')}. ${how} ` +
        'If the class changes, a new approval starts.',
    };
    return {
      workspaceId: c.workspaceId,
      dedupeKey: `triage.retriage_needed:${c.id}:${c.assessmentId}`,
      kind: 'triage.retriage_needed',
      recipient: { person: c.ownerId },
      payload,
      notBefore,
    };
  });
  return (await enqueueMany(tx, prompts)).length;
}
