/**
 * Teams for the control register and the SoA: `controls …` and `soa` as typed commands, the
 * `control.edit` card (Edit opens it, Save applies it) and `soa.approve`. Rights and input are the
 * flows'; refusals come back as a card and change nothing.
 */
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { inputValue } from '../parse-activity';
import { resolveOwner } from '../people';
import { controlEditCard, controlsCard, soaCard } from './cards';

const refused = (r: flows.Refusal) => messageCard(r.message, { error: true });

/** `controls [filter] [page]`, `controls add <title>`, `controls edit <id>`. */
export async function teamsControlsCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const [word = '', ...rest] = arg.trim().split(/\s+/);
  if (word.toLowerCase() === 'add') {
    const r = await flows.addControl(turn.ctx, rest.join(' '));
    return r.kind === 'refused' ? refused(r) : messageCard(`Added ${r.entry.control}: ${r.entry.title}. Edit it with: controls edit ${r.entry.control}`);
  }
  if (word.toLowerCase() === 'edit') {
    const found = await flows.editableControl(turn.ctx, rest.join(' '));
    return 'kind' in found ? refused(found) : controlEditCard(found, turn.speaker);
  }
  const page = await flows.controlsPage(turn.ctx, arg);
  return page.kind === 'refused' ? refused(page) : controlsCard(page);
}

/** `soa`: the card with the download link and the Approve button. */
export async function teamsSoaCommand(turn: FormTurn): Promise<CardJson> {
  const r = await flows.soaForChat(turn.ctx);
  if (r.kind === 'refused') return refused(r);
  // The card carries a download link: in a channel or group chat everyone there could open it.
  const scope = turn.context.activity.conversation?.conversationType;
  if (scope && scope !== 'personal') return messageCard('The Statement of Applicability comes only in a personal chat with me: open a chat with the bot and type soa there.');
  const link = turn.soaLink?.(turn.ctx.workspace.id, r.draft.hash) ?? null;
  return soaCard(r.draft, r.latest, link);
}

/** `control.edit`: without `save` the form; with it, the submitted inputs applied. */
export async function teamsControlEdit(turn: FormTurn, control: string, save: boolean, data: Record<string, unknown>): Promise<CardJson> {
  const found = await flows.editableControl(turn.ctx, control);
  if ('kind' in found) return refused(found);
  if (!save) return controlEditCard(found, turn.speaker);
  const raw: Record<string, string> = {};
  for (const f of flows.CONTROL_EDIT_FIELDS) raw[f.id] = typeof data[f.id] === 'string' ? String(data[f.id]) : inputValue(data, f.id);
  const ownerText = raw.owner?.trim() ?? '';
  if (ownerText) {
    const owner = await resolveOwner(turn.context, turn.directory, ownerText, turn.speaker.id);
    if (!owner.ok) return controlEditCard(found, turn.speaker, { owner: owner.message });
    raw.owner = owner.platformId;
  }
  const r = await flows.editControl(turn.ctx, found.entry.control, raw);
  if (r.kind === 'refused') {
    if (r.code !== 'invalid' || !r.errors?.length) return refused(r);
    return controlEditCard(found, turn.speaker, Object.fromEntries(r.errors.map((e) => [e.field, e.message])));
  }
  return messageCard(`${r.entry.control} saved: ${r.entry.applicable ? 'applicable' : 'not applicable'}, ${flows.CONTROL_STATUS_LABEL[r.entry.status]}.`);
}

/** `soa.approve` with the hash of the statement the card showed. */
export async function teamsSoaApprove(turn: FormTurn, hash: string): Promise<CardJson> {
  const r = await flows.approveSoa(turn.ctx, hash);
  if (r.kind === 'refused') return refused(r);
  return messageCard(`Approved as ${r.version}. SHA-256 ${r.hash} is in the audit trail.`);
}
