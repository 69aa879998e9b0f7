/** Teams: the risk register (commands, card actions, notices). */
export { handleRiskAction, riskCommand } from './actions';
export type { RiskAction } from './actions';
export { noticeCard, registerCard, riskFormCard, RISK_ACTIONS } from './cards';
