/** The improvement loop: nonconformities and corrective actions (spec/aims.md). */
export { openNonconformity } from './open-nc';
export type { NcNoticePayload, NcRow, NcSeverity, NcSource, NewNonconformity } from './open-nc';
export { NC_ACTION_FIELDS, NC_ACTIONS, NC_CONTAINMENT_FIELDS, NC_RAISE_FIELDS, NC_ROOT_CAUSE_FIELDS, NC_SEVERITIES, NC_SOURCES, NC_TEXT_MAX, NC_TITLE_MAX, NC_VERIFY_FIELDS, parseEffective, parseNcAction, parseNcRaise } from './form';
export type { NcActionInput, NcField, NcFormValues, NcRaiseInput } from './form';
export { NC_STATUS_LABEL, actionsComplete, isCompliance as isNcCompliance, mayAct as mayActOnNc, ncByRef, ncView, showNc } from './view';
export type { NcActionView, NcView } from './view';
export { addNcAction, closeNc, closeProblem, containNc, raiseNc, setRootCause, verifyNc } from './stages';
export type { NcChanged } from './stages';
export { ncActionClosed } from './action-closed';
export { applyNcStep, NC_STEP_FIELDS, NC_STEP_FLAGS, NC_STEP_TITLES, ncStepRefusal } from './steps';
export { NC_REMINDER_STAGES, runNcReminders } from './reminders';
export type { NcReminderStage } from './reminders';
export { NC_AGE_BUCKETS, NC_DIGEST_TOP, ncDigest, ncDigestLines } from './digest';
export type { NcDigest, NcDigestItem } from './digest';
export { NC_COLUMNS, ncCells, ncExportFile, ncRecords } from './export';
export type { NcRecord } from './export';
