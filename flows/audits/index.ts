/** Internal audits (spec/aims.md: `audit plan`, `audit <id>`, `finding <audit id>`, `export audit-report`, `export audits`). */
export { AUDIT_PLAN_FIELDS, FINDING_FIELDS, FINDING_KINDS, FINDING_KIND_LABEL, parseAuditPlan, parseFinding, parseSubject } from './form';
export type { AuditField, AuditFieldOption, AuditFormValues, AuditPlanInput, FindingInput, FindingKind } from './form';
export { drawSample, newSampleSeed, seededShuffle, SAMPLED_CLASSES, SAMPLED_STATUSES } from './sample';
export type { SampleCandidate, SampleSizes, SampledClass } from './sample';
export { auditRefOf, findingAudit, isAuditorOf, loadAudit, readableAudit } from './access';
export type { AuditRow, AuditStatus } from './access';
export { ISO_42001_CLAUSES, criterionTitle, normaliseClause } from './criteria';
export { evidenceKey, newFormToken, planAccess, planAudit, planRefusal } from './plan';
export type { AuditPlanned, PlanOptions } from './plan';
export { findingSubjects, recordFinding } from './finding';
export type { FindingRecorded, FindingRow } from './finding';
export { auditDetails, auditView } from './view';
export type { AuditDetails, AuditView, FindingView, SampledSystemView } from './view';
export { auditConclusion, auditReportExport, auditReportForChat, auditReportMarkdown, reportedAuditReport, writeAuditReport } from './report';
export type { AuditReport } from './report';
export { AUDIT_EXPORT_COLUMNS, auditExportCells, auditExportRecords, auditExportText, auditsExportFile } from './export';
export type { AuditExportRecord } from './export';
