/** Campaigns in Teams: commands, card actions, cards, delivery, the audience from rosters. */
export { handleSurveyAction, surveyCommand } from './actions';
export { enrolTeamsAudience, surveyAnsweredSince, surveyNotificationCard } from './delivery';
export { teamsAudience } from './audience';
