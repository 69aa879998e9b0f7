/** The scheduled jobs by name, their default schedules, and one run of a job. */
import type { JobDeps, JobReport } from '../../flows';
import { runApprovalReminders, runReviewReminders, runTaskReminders, runWeeklyDigest } from '../../flows';
import { runAiUseSurvey, runPolicyAck, runSurveyReminders } from '../../flows';
import { runManagementReview } from '../../flows';
import type { Policy } from '../../flows/policy';
import { runNcReminders } from '../../flows';

/** The names of the jobs (BullMQ job scheduler ids and `aimsbot jobs run` names). */
export const JOB_NAMES = ['review-reminders', 'approval-reminders', 'weekly-digest', 'task-reminders', 'nc-reminders', 'ai-use-survey', 'policy-ack', 'survey-reminders', 'management-review'] as const;

/** A job name. */
export type JobName = (typeof JOB_NAMES)[number];

/** When a job runs: a cron pattern in a time zone, or every `every` milliseconds (tests). */
export type Schedule = { pattern: string; tz: string } | { every: number };

/** Each job's work over the database as of `now` (audit events carry `deps.clock`, the wall clock). */
export const JOB_HANDLERS: Record<JobName, (deps: JobDeps, now: Date) => Promise<JobReport>> = {
  'review-reminders': runReviewReminders,
  'approval-reminders': runApprovalReminders,
  'weekly-digest': runWeeklyDigest,
  'task-reminders': runTaskReminders,
  'nc-reminders': runNcReminders,
  'ai-use-survey': runAiUseSurvey,
  'policy-ack': runPolicyAck,
  'survey-reminders': (deps, now) => runSurveyReminders(deps, now),
  'management-review': runManagementReview,
};

/** Whether a string names a job. */
export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

/**
 * The schedules: reminders hourly (at minute 0 and 30, so they do not share a slot), the digest
 * on the policy's `digest.cron` — all in the policy's time zone.
 */
export function defaultSchedules(policy: Policy): Record<JobName, Schedule> {
  const tz = policy.organization.timezone;
  return {
    'review-reminders': { pattern: '0 * * * *', tz },
    'approval-reminders': { pattern: '30 * * * *', tz },
    'weekly-digest': { pattern: policy.digest.cron, tz },
    // Tasks are due by the day: once an hour is plenty, in a slot of its own.
    'task-reminders': { pattern: '15 * * * *', tz },
    // Stages move by the day: hourly, in a slot of its own.
    'nc-reminders': { pattern: '45 * * * *', tz },
    'ai-use-survey': { pattern: policy.discovery.surveyCron, tz },
    'policy-ack': { pattern: policy.aiPolicy?.ackCron ?? policy.policy.ackCron, tz },
    // A campaign's single reminder is due by the day; hourly, in a slot of its own.
    'survey-reminders': { pattern: '45 * * * *', tz },
    'management-review': { pattern: policy.managementReview.cron, tz },
  };
}
