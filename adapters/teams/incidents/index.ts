/** Teams: incidents (command, form card, step buttons, the notice card). */
export { handleIncidentAction, incidentCommand, incidentExportCommand } from './actions';
export type { IncidentAction } from './actions';
export { INCIDENT_ACTIONS, incidentCard, incidentConfirmationCard, incidentExportCard, incidentFormCard, incidentNoticeCard } from './cards';
