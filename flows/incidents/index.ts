/** Incidents with AI systems (spec/aims.md): the form, the Art. 26(5)/73 clocks, reporting, recording the steps, the export. */
export * from './form';
export { incidentClocks, REPORT_CASE_ARTICLE } from './clocks';
export type { ClockFacts, IncidentClocks, ReportCase } from './clocks';
export { incidentLines, incidentSystemChoices, INCIDENT_REPORTED, reportIncident } from './report';
export type { IncidentReported, IncidentReportedPayload } from './report';
export { recordIncidentStep, stepRecordedText } from './record';
export type { IncidentStep, IncidentStepRecorded } from './record';
export { incidentByRef, incidentOf, incidentViewOf } from './view';
export type { IncidentRow, IncidentView } from './view';
export { INCIDENT_COLUMNS, incidentCells, incidentExportFile, incidentExportText, incidentRecords } from './export';
export type { IncidentRecord } from './export';
