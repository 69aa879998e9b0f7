/** Slack: nonconformities (command, buttons, modals, notices). */
export { openRaise, registerNcActions } from './actions';
export { ncCommand, ncExportCommand } from './commands';
export { deliverNcNotice } from './delivery';
export { NC_ACTIONS, ncModal, ncValues, renderNc, renderNcNotice } from './render';
