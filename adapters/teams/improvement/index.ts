/** Teams: nonconformities (commands, card actions, cards). */
export { handleNcAction, ncCommand, ncExportCommand } from './actions';
export type { NcAction } from './actions';
export { NC_ACTIONS, ncCard, ncFormCard, ncNoticeCard } from './cards';
