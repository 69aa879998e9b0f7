/** Teams: incidents (command, form card, step buttons, the notice card). */
export { handleIncidentAction, incidentCommand } from './actions';
export type { IncidentAction } from './actions';
export { INCIDENT_ACTIONS, incidentCard, incidentConfirmationCard, incidentFormCard, incidentNoticeCard } from './cards';
