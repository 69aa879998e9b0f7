/** The control register and the Statement of Applicability (aims.md: `controls`, `control.edit`, `soa`, `soa.approve`). */
export { controlRegister, normaliseControlId, plannedSystems, CONTROL_STATUSES, ORGANISATION_CONTROLS } from './register';
export type { ApplicabilityBasis, ControlEntry, ControlObligation, ControlRisk, ControlStatus, SystemLink } from './register';
export { addControl, controlsRefusal, editableControl, editControl, mayManageControls } from './edit';
export type { EditableControl } from './edit';
export { APPLICABILITY_CHOICES, APPLICABILITY_LABEL, CONTROL_EDIT_FIELDS, CONTROL_STATUS_LABEL, parseControlEdit, parseControlTitle } from './form';
export type { ApplicabilityChoice, ControlEdit, ControlFormField } from './form';
export { approveSoa, latestSoa, soaByHash, soaDraft, soaForChat, soaHash } from './soa';
export type { SoaApproval, SoaDocument, SoaSnapshot } from './soa';
export { CONTROL_COLUMNS, controlCells, controlsCsv, controlsJson, markdownText, SOA_HEADER_COLUMNS, soaCsv, soaJson, soaMarkdown } from './soa-text';
export { CONTROL_FILTERS, CONTROLS_PAGE_SIZE, controlsPage, parseControlsArgs } from './views';
export type { ControlFilter, ControlsPage } from './views';
export { controlsExport, exportWorkspace, soaExport } from './export';
export type { AimsExport, ExportWorkspace } from './export';
