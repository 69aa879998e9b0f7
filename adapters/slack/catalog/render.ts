/** Slack renderings of the catalog offer (`check` of an unregistered catalog tool), transfers and edits. */
import type { CatalogEntry, SystemView } from '../../../flows';
import { discoveryButtonValue } from '../../../flows';
import { button, limitBlocks, section } from '../blocks';
import { esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** Action id of the button that registers a discovered or catalog tool (spec/aims.md). */
export const DISCOVERY_REGISTER = 'discovery.register';
/** Callback id of the edit-a-registration modal. */
export const SYSTEM_EDIT_CALLBACK = 'system.edit';

/** `check` of a catalog tool nobody registered: "<Tool> (vendor) is not registered yet — register it?" with the button. */
export function renderCatalogOffer(entry: CatalogEntry, suggestions: SystemView[]): SlackMessage {
  const text = `${entry.name} (${entry.vendor}) is not registered yet — register it?`;
  const lines = [`*${esc(entry.name)}* (${esc(entry.vendor)}) is not registered yet — register it? Its details and what the catalog knows are filled in for you to check.`];
  if (suggestions.length) lines.push(`Registered tools with a similar name: ${suggestions.map((s) => `${s.ref} ${esc(s.name)}`).join(', ')}`);
  return {
    text: esc(text),
    blocks: limitBlocks([
      ...lines.map((l) => section(l)),
      { type: 'actions', block_id: 'discovery', elements: [button(`Register ${entry.name}`.slice(0, 75), DISCOVERY_REGISTER, discoveryButtonValue({ catalogId: entry.id }), 'primary')] },
    ]),
  };
}
