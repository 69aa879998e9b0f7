/**
 * The workflow core's public surface. Adapters call these functions with a `FlowContext`
 * (from `flowContext`) and render the neutral views they return.
 *
 * Notifications written to the outbox, and what each adapter's deliverer does with them:
 * - `approval.requested` {requestId} → {channel: approvals}: post the request (parent message and
 *   one reply per step) in the approvals channel, or in a direct thread with the owner when the
 *   policy names no channel; record every copy with `recordMessage`.
 * - `approval.updated` {requestId, stepId?} → {copiesOf request}: re-render and update every copy.
 * - `approval.outcome` {requestId, status, stepId} → {person: submitter}: tell the submitter how it
 *   ended, quoting the deciding step (`stepId`; see `outcomeOf`).
 * - `review.updated` {reviewId, systemId, status} → {copiesOf review}: update review cards.
 * - `approval.stuck` {requestId, stepId, role, ref, name, reason, text} → {person: submitter} and
 *   {channel: digest}: nobody can decide a step of a new request and the policy names no
 *   `approvals.fallback` for its role; deliver `text` (see `ApprovalStuckPayload`).
 * - Scheduled jobs (flows/jobs) add `review.reminder`, `review.escalation`, `approval.reminder`,
 *   `approval.escalation` and `digest.weekly`; their payloads are documented there.
 * - `impact.due` {systemId, ref, name, impactRef, text} → {person: owner}: a re-triage made the
 *   impact assessment due again (flows/impact/due.ts); deliver `text` with a way to open `impact`.
 * - `discovery.nudge` {tool, name, vendor, channel, text} → {person: author}: a catalog tool the
 *   person mentioned in `channel` is not registered (flows/discovery/listen.ts); Slack: ephemeral in
 *   `channel`, Teams: a personal message; both with the `discovery.register` button.
 */
export * from './ports';
export * from './errors';
export * from './results';
export * from './views';
export * from './obligation-text';
export * from './policy';
export * from './identity';
export * from './audit';
export * from './audit-checkpoints';
export * from './outbox';
export * from './messages';
export * from './rules';
export * from './display';
export { register, findDuplicate, resubmit, systemByRef, validateSubmission } from './registration';
export type { RegisterResult } from './registration';
export { decideStep, decideForSystem, recordDecision, gateDecision, previewDecision, requestOutcome, REASON_MAX } from './approvals';
export { decisiveStep, outcomeOf } from './outcome';
export type { OutcomeView } from './outcome';
export type { Decision, DecideResult, ApprovalStuckPayload } from './approvals';
export { analyseDeciders, peopleIndex, stuckReasonText } from './deciders';
export type { DeciderAnalysis, DeciderStep, PeopleIndex, StuckReason } from './deciders';
export { confirmReview, retriage, retire, snoozeReview, SNOOZE_MAX_DAYS } from './reviews';
export { reviewable, retirable, RETIRABLE, snoozable, snoozeDaysProblem, snoozedUntil } from './reviews';
export { resubmittable } from './registration';
export { cleanMultiline, multiLineProblem, oneLineProblem, stripBidi } from './triage/text';
export type { ReviewResult } from './reviews';
export { check, listMine, show, pendingForMe, reviewsDue } from './queries';
export type { CheckResult, CheckView, PendingItem } from './queries';
export * from './jobs';
export * from './refs';
export { createTask, createTasks } from './tasks/create';
export type { NewTask, TaskKind, TaskRow, TaskSubject } from './tasks/create';
export * from './controls';
export * from './impact';
export * from './tasks/index';
export * from './risks';
export * from './improvement';
export * from './incidents';
export * from './objectives';
export * from './discovery';
export * from './audits';
export * from './systems';
export * from './management-review';
export * from './charts';
