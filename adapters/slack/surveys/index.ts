/** Campaigns in Slack: commands, buttons and forms, delivery, the audience from Slack's user list. */
export { registerSurveyActions, runSurveyCommand } from './actions';
export { deliverSurveyNotification } from './delivery';
export { slackAudience } from './audience';
export { SURVEY_ACTIONS } from './render';
