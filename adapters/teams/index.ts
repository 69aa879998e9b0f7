/** The Microsoft Teams adapter. */
export { createTeamsAdapter } from './create-teams-adapter';
export type { TeamsAdapter, TeamsAdapterOptions, TeamsSettings } from './create-teams-adapter';
export { teamsPeopleWithoutReference } from './conversation-refs';
