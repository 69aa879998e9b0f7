/**
 * Scheduled jobs over the database: pure functions of `(deps, now)` that derive what is due from
 * Postgres and write notifications to the outbox with unique dedupe keys. No queue, no platform.
 *
 * Notification kinds written here (payloads typed below; every payload has a plain `text`, but a
 * review reminder's is said from its fields by `reviewReminderText`):
 * - `review.reminder` → {person: owner}: {@link ReviewReminderPayload}, a review card with
 *   Confirm / Update answers / Retire / Snooze (Slack action ids `review.confirm`,
 *   `review.update`, `review.retire`, `review.snooze`, value = `ref`).
 * - `review.escalation` → {channel: 'digest'}: {@link ReviewEscalationPayload}.
 * - `approval.reminder` → {person} per known approver, or {channel: 'approvals'} naming the
 *   group members not yet known: {@link ApprovalReminderPayload}.
 * - `approval.escalation` → {channel: 'digest'}: {@link ApprovalEscalationPayload}.
 * - `digest.weekly` → {channel: 'digest'}: {@link WeeklyDigestPayload}.
 * - `triage.retriage_needed` → {person: owner}: {@link RetriagePromptPayload}, written by the
 *   questionnaire-v2 stage of the review-reminders job.
 */
export type { JobDeps, JobReport } from './common';
export { auditTime } from './common';
export { reviewReminderText, runReviewReminders, sweepShares, SWEEP_SPLIT_MIN_SPAN } from './review-reminders';
export type { ReviewReminderPayload, ReviewEscalationPayload } from './review-reminders';
export { runRetriageFlags, RETRIAGE_LABEL } from './retriage-flags';
export type { RetriagePromptPayload } from './retriage-flags';
export { runApprovalReminders } from './approval-reminders';
export type { ApprovalReminderPayload, ApprovalEscalationPayload, ThreadRef } from './approval-reminders';
export { runWeeklyDigest, digestInventoryCsv, DIGEST_PERIOD_DAYS } from './weekly-digest';
export type { WeeklyDigestPayload } from './weekly-digest';
export { buildDigest, digestTotal, DIGEST_LIST_LIMIT, DIGEST_REVIEW_DAYS } from './digest';
export type { WeeklyDigest, DigestItem, DigestCount, DigestTotals } from './digest';
export { renderDigestText } from './digest-text';
export { inventoryCsv, inventoryCsvChunks, INVENTORY_COLUMNS } from './inventory-csv';
export { nextAllowedTime, zonedParts, fromZoned, localDate, quietHoursHold, QUIET_HOURS_KINDS } from './time';
export { dryRunJob } from './dry-run';
export type { DryRun, PlannedNotification } from './dry-run';
export { digestChartData, digestChartPng, DIGEST_TREND_WEEKS } from './digest-chart';
