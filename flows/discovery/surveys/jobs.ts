/**
 * The survey jobs (spec/aims.md "Jobs"):
 * - `ai-use-survey` (policy `discovery.surveyCron`, default quarterly): starts an AI-use campaign
 *   in every workspace that has none since the schedule's latest slot, so a run repeated or
 *   raced in the same slot starts one.
 * - `policy-ack` (`aiPolicy.ackCron` or `policy.ackCron`): when the AI policy's version has no
 *   `policy_ack` campaign yet, starts one; then the single reminders of open policy campaigns.
 * - `survey-reminders` (hourly): one reminder to each person who has not answered an open
 *   campaign `discovery.remindAfterDays` after the question.
 */
import { and, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import { CronExpressionParser } from 'cron-parser';
import type { Db } from '../../../db/client';
import { surveyRecipients, surveys } from '../../../db/schema-discovery';
import { appendAuditBatch } from '../../audit';
import type { JobDeps, JobReport } from '../../jobs/common';
import { allWorkspaces, auditTime } from '../../jobs/common';
import { DAY_MS, nextAllowedTime } from '../../jobs/time';
import type { NotificationInput } from '../../outbox';
import { enqueueMany } from '../../outbox';
import type { SurveyRow } from './campaign';
import { askPayload, startCampaign } from './campaign';

/** The latest time at or before `now` the cron expression fires, in the policy's time zone. */
export function latestSlot(expr: string, tz: string, now: Date): Date {
  const it = CronExpressionParser.parse(expr, { currentDate: new Date(now.getTime() + 1000), tz });
  return it.prev().toDate();
}

/** Runs `ai-use-survey` as of `now`. */
export async function runAiUseSurvey(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const since = latestSlot(policy.discovery.surveyCron, policy.organization.timezone, now);
  let enqueued = 0;
  const list = await allWorkspaces(db);
  for (const w of list) {
    const started = await startCampaign(deps, {
      workspaceId: w.id,
      kind: 'ai_use',
      now,
      auditAt: auditTime(deps),
      onlyIf: async (tx) => (await tx.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.workspaceId, w.id), eq(surveys.kind, 'ai_use'), gte(surveys.opensAt, since))).limit(1)).length === 0,
    });
    if (started) enqueued += 1;
  }
  return { enqueued, examined: list.length };
}

/** Runs `policy-ack` as of `now`: a campaign for a version not asked yet, then due reminders. */
export async function runPolicyAck(deps: JobDeps, now: Date): Promise<JobReport> {
  const { db, policy } = deps;
  const version = policy.aiPolicy?.version;
  let enqueued = 0;
  const list = await allWorkspaces(db);
  if (version !== undefined) {
    for (const w of list) {
      const started = await startCampaign(deps, {
        workspaceId: w.id,
        kind: 'policy_ack',
        now,
        auditAt: auditTime(deps),
        onlyIf: async (tx) =>
          (await tx.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.workspaceId, w.id), eq(surveys.kind, 'policy_ack'), eq(surveys.policyVersion, version))).limit(1)).length === 0,
      });
      if (started) enqueued += 1;
    }
  }
  const reminders = await runSurveyReminders(deps, now, 'policy_ack');
  return { enqueued: enqueued + reminders.enqueued, examined: list.length + reminders.examined };
}

/**
 * Writes the single reminder of open campaigns (all kinds, or one): recipients asked at least
 * `discovery.remindAfterDays` ago who have not answered and were never reminded. The row is
 * marked in the same statement that picks it, so a second run finds nothing.
 */
export async function runSurveyReminders(deps: JobDeps, now: Date, kind?: string): Promise<JobReport> {
  const { db, policy } = deps;
  const open: SurveyRow[] = await db
    .select()
    .from(surveys)
    .where(and(gt(surveys.closesAt, now), lte(surveys.opensAt, now), kind ? eq(surveys.kind, kind) : undefined));
  const cutoff = new Date(now.getTime() - policy.discovery.remindAfterDays * DAY_MS);
  const notBefore = nextAllowedTime(policy, now);
  let enqueued = 0;
  for (const s of open) {
    enqueued += await db.transaction(async (tx: Db) => {
      const due = await tx
        .update(surveyRecipients)
        .set({ remindedAt: now })
        .where(and(eq(surveyRecipients.surveyId, s.id), isNull(surveyRecipients.respondedAt), isNull(surveyRecipients.remindedAt), lte(surveyRecipients.askedAt, cutoff)))
        .returning({ personId: surveyRecipients.personId });
      if (due.length === 0) return 0;
      const payload = askPayload(deps, s, true);
      const list: NotificationInput[] = due.map((d) => ({
        workspaceId: s.workspaceId,
        dedupeKey: `survey.reminder:${s.id}:${d.personId}`,
        kind: 'survey.reminder',
        recipient: { person: d.personId },
        payload,
        notBefore,
      }));
      const written = await enqueueMany(tx, list);
      await tx.update(surveys).set({ remindedAt: sql`coalesce(${surveys.remindedAt}, ${now.toISOString()}::timestamptz)` }).where(eq(surveys.id, s.id));
      await appendAuditBatch(tx, [
        { workspaceId: s.workspaceId, actor: 'system', action: 'survey.reminded', subjectType: 'survey', subjectId: s.ref, data: { reminded: due.length, asOf: now.toISOString() }, at: auditTime(deps) },
      ]);
      return written.length;
    });
  }
  return { enqueued, examined: open.length };
}
