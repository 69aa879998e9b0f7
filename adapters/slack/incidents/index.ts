/** Slack: incidents (command, modal, buttons, the notice to compliance, the chat export). */
export { incidentCommand, incidentExportCommand, registerIncidentActions } from './actions';
export { deliverIncidentNotice } from './delivery';
export { INCIDENT_ACTIONS, INCIDENT_CALLBACK, incidentMrkdwn, renderIncident, renderIncidentConfirmation } from './render';
