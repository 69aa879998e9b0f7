/**
 * The shell's catalog and registration-change commands: `register <name>` (pre-filled from the
 * catalog), the offer on `check` of an unregistered catalog tool, `transfer <ref> <person>` and
 * `edit <ref>` (each field asked with its current value as the default).
 */
import type { CatalogEntry, FlowContext, SystemView } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { ABANDONED, printRefusal, registerConversation } from '../conversations';
import type { ShellPerson } from '../people';
import { resolvePerson } from '../people';

/** `/aims register <name>`: the registration, filled in from the catalog (or with the name) to confirm. */
export function registerNamed(ctx: FlowContext, io: Prompter, speaker: ShellPerson, name: string): Promise<FormOutcome> {
  return registerConversation(ctx, io, speaker, flows.registrationPrefill(name));
}

/** The answer to `check` of a catalog tool nobody registered; the shell offers the command. */
export function catalogOffer(io: Prompter, entry: CatalogEntry, suggestions: SystemView[]): void {
  io.print(`${entry.name} (${entry.vendor}) is not registered yet — register it? Type /aims register ${entry.id} (its details are filled in for you to check).`);
  if (suggestions.length) io.print(`registered tools with a similar name: ${suggestions.map((s) => `${s.ref} ${s.name}`).join(', ')}`);
}

/** `/aims transfer <ref> <person>`. */
export async function transferCommand(ctx: FlowContext, io: Prompter, speaker: ShellPerson, arg: string): Promise<void> {
  const [ref = '', ...rest] = arg.split(/\s+/);
  const who = rest.join(' ').trim();
  if (!ref || !who) return io.print('usage: /aims transfer <ref> <person>, e.g. /aims transfer AI-3 bob');
  const person = resolvePerson(who, ctx.deps.policy, speaker);
  if (!person.ok) return io.print(`✗ ${person.message}`);
  const r = await flows.transferOwner(ctx, ref, { platformId: person.person.platformId, displayName: person.person.name, ...(person.person.email ? { email: person.person.email } : {}) });
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(`${r.system.ref} "${r.system.name}" now belongs to ${r.to} (it was ${r.from}'s); they were told.`);
}

/** `/aims edit <ref>`: each field with its current value; an empty line keeps it, `-` empties an optional one. */
export async function editConversation(ctx: FlowContext, io: Prompter, arg: string): Promise<FormOutcome> {
  if (!arg) return void io.print('usage: /aims edit <ref>, e.g. /aims edit AI-1');
  const found = await flows.editable(ctx, arg.split(/\s+/)[0]!);
  if ('kind' in found) {
    printRefusal(io, found);
    return ABANDONED;
  }
  io.print(`Editing ${found.ref}: an empty line keeps the value shown${'; - empties an optional field'}. The triage answers stay as they are.`);
  const current = flows.editValues(found);
  const input: Record<string, string> = {};
  for (const q of flows.EDIT_FIELDS) {
    const now = current[q.id as flows.EditField];
    const typed = await readAnswer(io, `${q.label}${q.required ? '' : ' (optional)'} [${q.id}]\n  now: ${now || '—'}`, `${q.id}> `);
    input[q.id] = typed === '' ? now : typed === '-' && !q.required ? '' : typed;
  }
  const r = await flows.editRegistration(ctx, found.ref, input);
  if (r.kind === 'refused') return printRefusal(io, r);
  if (r.kind === 'unchanged') return void io.print(`nothing changed in ${r.system.ref}`);
  io.print(`saved ${r.system.ref} "${r.system.name}": ${Object.entries(r.changes).map(([f, c]) => `${f} "${c!.from}" → "${c!.to}"`).join('; ')}`);
  return undefined;
}
