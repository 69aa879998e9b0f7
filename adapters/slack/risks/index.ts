/** Slack: the risk register (command, buttons, modal, notifications). */
export { registerRiskActions, openAssess } from './actions';
export { runRiskCommand } from './commands';
export { deliverRiskNotice } from './delivery';
export { RISK_CALLBACK } from './modal';
export { RISK_ACTIONS, renderRegister, riskText } from './render';
