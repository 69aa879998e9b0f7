/** The management review (9.3): the pack, its generation (job and on demand), decisions, files. */
export { assemblePack, CHART_MONTHS, TREND_WEEKS, OBLIGATION_HORIZON_MONTHS } from './assemble';
export type { ReviewPack, PackTask, PackObjective, PackNc, PackAudit, PackIncident, PackOfi, PackObligation, PackNcFinding } from './pack';
export { packMarkdown, packSummary, chartFileName, PACK_CHARTS } from './markdown';
export type { ReviewRecordView } from './markdown';
export { packPdf } from './pdf';
export { runManagementReview, generateManagementReview, mayRunManagementReview, PACK_KIND } from './generate';
export type { ManagementReviewPayload, GeneratedReview } from './generate';
export { findManagementReview, managementReviewById, managementReviewFiles, managementReviewChart, reviewRecordView, packCharts } from './record';
export type { ManagementReviewRow, ReviewFiles } from './record';
export { decideManagementReview, holdManagementReview, attendeeId, DECISION_DEFAULT_DAYS } from './decide';
export { managementReviewRef, parseManagementReviewRef, quarterOf } from './period';
export { managementReviewCommand, MANAGEMENT_REVIEW_USAGE } from './command';
export { managementReviewExport } from './export';
export type { ReviewExport } from './export';
export { managementReviewForChat } from './chat-export';
