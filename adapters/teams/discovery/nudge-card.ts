/** The Teams card of `discovery.nudge`: the sentence and the `discovery.register` button. */
import type { DiscoveryNudgePayload } from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, executeAction, textBlock } from '../card-kit';

/** The action name of the button (handled by the registration of discovered tools). */
export const DISCOVERY_REGISTER = 'discovery.register';

/** The nudge card; plain text is escaped by `textBlock`. */
export function nudgeCard(p: Pick<DiscoveryNudgePayload, 'tool' | 'name' | 'text'>): CardJson {
  return adaptiveCard([textBlock(p.text)], { actions: [executeAction(`Register ${p.name}`, { action: DISCOVERY_REGISTER, tool: p.tool }, { style: 'positive' })] });
}
