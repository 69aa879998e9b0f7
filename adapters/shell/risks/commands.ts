/** The shell's risk words: `risks <ref>`, `assess <ref>`, `risk add|edit|accept …`. */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { printRefusal } from '../conversations';
import type { ShellPerson } from '../people';
import { acceptCommand, assessConversation, riskConversation } from './conversation';
import { renderRegister } from './render';

/** Runs one risk command. */
export async function riskCommand(ctx: FlowContext, io: Prompter, speaker: ShellPerson, word: string, rest: string[]): Promise<FormOutcome> {
  if (word === 'assess') return assessConversation(ctx, io, speaker, rest.join(' '));
  if (word === 'export') {
    const r = await flows.riskExportFile(ctx, (rest[1] ?? 'csv').toLowerCase());
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`${r.filename} (${r.rows} risk${r.rows === 1 ? '' : 's'}):\n${r.content.replace(/^\uFEFF/, '').trimEnd()}`);
  }
  if (word === 'risks') {
    const ref = rest.join(' ');
    if (!ref) return io.print('usage: /aims risks <ref>, e.g. /aims risks AI-1');
    const v = await flows.riskRegister(ctx, ref);
    if ('kind' in v) return printRefusal(io, v);
    return io.print(renderRegister(v));
  }
  const [verb = '', ...args] = rest;
  const ref = args.join(' ');
  switch (verb.toLowerCase()) {
    case 'add':
      return riskConversation(ctx, io, speaker, 'add', ref);
    case 'edit':
      return riskConversation(ctx, io, speaker, 'edit', ref);
    case 'accept':
      return acceptCommand(ctx, io, ref);
    default:
      return io.print('usage: /aims risk add <ref> · /aims risk edit <AI-1/R-1> · /aims risk accept <AI-1/R-1>');
  }
}
