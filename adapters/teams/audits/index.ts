/** Teams: internal audits (commands, the two form cards, the audit card, the exports in chat). */
export { auditCommand, auditExportCommand, handleAuditAction } from './actions';
export type { AuditAction } from './actions';
export { AUDIT_ACTIONS, auditCard, auditPlanCard, findingCard, reportCard } from './cards';
