/** The risk register (spec/aims.md): catalog, form, flows, views, the untreated-risk flag, export. */
export * from './catalog';
export * from './form';
export { acceptanceScore, acceptRefusal, editableSystem, riskByRef, riskRights } from './access';
export type { RiskRights, RiskRow } from './access';
export { assess, addRisk, editRisk, treatmentKey, todayOf } from './register';
export type { AssessEntry, RiskSaved } from './register';
export { acceptResidual, RISK_ACCEPTANCE_REQUESTED } from './accept';
export type { RiskAccepted, RiskAcceptancePayload } from './accept';
export { assessmentDraft, assessmentQueue, assessmentStep } from './draft';
export type { AssessmentDraft, AssessmentQueueItem, DraftEntry } from './draft';
export { heatMapLines, registerView, riskRegister } from './view';
export type { RiskRegisterView, RiskView } from './view';
export { countBySystem, untreatedRisksOf } from './untreated';
export type { UntreatedRisk } from './untreated';
export { promptRiskAssessment, RISK_ASSESS_PROMPT } from './prompt';
export type { RiskAssessPromptPayload } from './prompt';
export { RISK_COLUMNS, riskCells, riskExportFile, riskRecords } from './export';
export type { RiskRecord } from './export';
