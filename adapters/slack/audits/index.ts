/** Slack: internal audits (commands, the finding button, the two modals, the exports in chat). */
export { registerAuditActions, runAuditCommand, runAuditExport } from './actions';
export { AUDIT_IDS, auditPlanModal, findingModal, renderAudit } from './render';
