/**
 * Teams wiring of the catalog and of changes to a registration: `register <name>` and the
 * `discovery.register` card action start the registration pre-filled; `transfer <ref> <person>`
 * (an @mention or an e-mail address); `edit <ref>` and its card (`system.edit`).
 */
import * as flows from '../../../flows';
import type { ActorInput } from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { resolveOwner } from '../people';
import { editCard, prefilledRegistrationCard } from './cards';

/** A link as Teams may send it in message text (`<a href="https://x.example">x.example</a>`), as the address alone. */
export function unwrapTeamsLink(text: string): string {
  return text.trim().replace(/^<a\s[^>]*href="((?:https?:\/\/)[^"]+)"[^>]*>[^<]*<\/a>$/i, '$1');
}

/** `register [name]`: the first page, pre-filled from the catalog (or with the name) when a name is given. */
export function startRegistration(turn: FormTurn, name: string): CardJson {
  return prefilledRegistrationCard(name ? flows.registrationPrefill(unwrapTeamsLink(name)) : undefined, turn.speaker);
}

/** The `discovery.register` action: `tool` (a catalog id) or `name`. */
export function discoveryRegister(turn: FormTurn, data: { tool?: unknown; name?: unknown }): CardJson {
  const value = flows.parseDiscoveryValue(typeof data.tool === 'string' ? { tool: data.tool } : typeof data.name === 'string' ? { name: data.name } : null);
  const prefill = value ? flows.prefillOfDiscovery(value) : null;
  if (!prefill) return messageCard('This button is not valid any more (the tool is no longer in the catalog); nothing was changed. Type register <name> instead.', { error: true });
  return prefilledRegistrationCard(prefill, turn.speaker);
}

/** The person a `transfer` names: an @mention of someone other than the bot, else a typed e-mail address. */
async function personOf(turn: FormTurn, typed: string): Promise<ActorInput | string> {
  const a = turn.context.activity;
  const mentioned = (a.entities ?? [])
    .filter((e) => e.type === 'mention')
    .map((e) => (e as { mentioned?: { id?: unknown; name?: unknown } }).mentioned)
    .find((m) => typeof m?.id === 'string' && m.id !== a.recipient?.id);
  if (mentioned && typeof mentioned.id === 'string') {
    const m = await turn.directory.lookup(turn.context, mentioned.id);
    if (!m) return 'I could not find the person you mentioned in this team; give their e-mail address instead.';
    return { platformId: `teams:${m.aadObjectId}`, ...(m.name ? { displayName: m.name } : {}), ...(m.email ? { email: m.email } : {}) };
  }
  if (!typed) return 'Usage: transfer <ref> <person>, e.g. transfer AI-3 @Bob or transfer AI-3 bob@example.com';
  if (!typed.includes('@')) return `I could not tell who “${typed.slice(0, 80)}” is. @mention the person or give their e-mail address.`;
  const r = await resolveOwner(turn.context, turn.directory, typed, turn.speaker.id);
  if (!r.ok) return `Nobody with that e-mail address was found in Teams (${typed.slice(0, 120)}); @mention the person instead.`;
  return { platformId: r.platformId, ...(r.name ? { displayName: r.name } : {}), ...(r.email ? { email: r.email } : {}) };
}

/** `transfer <ref> <person>`. */
export async function transferCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const [ref = '', ...rest] = arg.split(/\s+/);
  if (!ref) return messageCard('Usage: transfer <ref> <person>, e.g. transfer AI-3 @Bob');
  const person = await personOf(turn, rest.join(' ').trim());
  if (typeof person === 'string') return messageCard(person, { error: true });
  const r = await flows.transferOwner(turn.ctx, ref, person);
  if (r.kind === 'refused') return messageCard(r.message, { error: true });
  turn.afterChange();
  return messageCard(`${r.system.ref} “${r.system.name}” now belongs to ${r.to} (it was ${r.from}’s). They were told.`);
}

/** `edit <ref>`: the edit card when the speaker may edit. */
export async function editCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  if (!arg) return messageCard('Usage: edit <ref>, e.g. edit AI-1');
  const found = await flows.editable(turn.ctx, arg.split(/\s+/)[0]!);
  if ('kind' in found) return messageCard(found.message, { error: true });
  return editCard(found);
}

/** The edit card's Save: the inputs arrive merged into the data. */
export async function saveEdit(turn: FormTurn, ref: string, data: Record<string, unknown>): Promise<CardJson> {
  const input = Object.fromEntries(flows.EDIT_FIELD_IDS.map((id) => [id, typeof data[id] === 'string' ? (data[id] as string) : '']));
  const r = await flows.editRegistration(turn.ctx, ref, input);
  if (r.kind === 'refused') {
    if (r.code !== 'invalid') return messageCard(r.message, { error: true });
    const found = await flows.editable(turn.ctx, ref);
    return 'kind' in found ? messageCard(r.message, { error: true }) : editCard(found, input, r.errors ?? []);
  }
  if (r.kind === 'unchanged') return messageCard(`Nothing changed in ${r.system.ref}.`);
  turn.afterChange();
  return messageCard(`Saved ${r.system.ref} “${r.system.name}”: ${Object.keys(r.changes).join(', ')} changed.`);
}
