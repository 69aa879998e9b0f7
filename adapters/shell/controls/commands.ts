/**
 * The shell's `controls` and `soa` commands: the register page by page, `controls add <title>`,
 * `controls edit <id>` as a conversation, `soa` writing the Markdown file and printing its path,
 * `soa approve [hash]`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import { ABANDONED, printRefusal } from '../conversations';
import type { FormOutcome } from '../conversations';
import { resolvePerson } from '../people';
import { applicabilityText, renderControl, renderControlLine, renderControlsPage, renderSoaSummary } from './render';

/** `controls [filter] [page]`, `controls add <title>`, `controls edit <id>`. */
export async function controlsCommand(ctx: FlowContext, io: Prompter, arg: string): Promise<FormOutcome> {
  const [word = '', ...rest] = arg.trim().split(/\s+/);
  if (word.toLowerCase() === 'add') {
    const r = await flows.addControl(ctx, rest.join(' '));
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`added ${r.entry.control}: ${r.entry.title}\n${renderControlLine(r.entry)}`);
  }
  if (word.toLowerCase() === 'edit') return editConversation(ctx, io, rest.join(' '));
  const page = await flows.controlsPage(ctx, arg);
  if (page.kind === 'refused') return printRefusal(io, page);
  return io.print(renderControlsPage(page));
}

/** Asks each field of `control.edit`; an empty answer keeps the current value, `-` clears it. */
async function editConversation(ctx: FlowContext, io: Prompter, id: string): Promise<FormOutcome> {
  if (!id) return void io.print('usage: controls edit <id>, e.g. controls edit A.6.2.4');
  const found = await flows.editableControl(ctx, id);
  if ('kind' in found) {
    printRefusal(io, found);
    return ABANDONED;
  }
  io.print(renderControl(found.entry));
  io.print('Empty answer keeps the current value; - clears it.');
  const raw: Record<string, string> = {};
  const cur = found.current;
  for (const field of flows.CONTROL_EDIT_FIELDS) {
    const shown =
      field.id === 'status' ? flows.CONTROL_STATUS_LABEL[cur.status] : field.id === 'applicable' ? applicabilityText(cur.applicable) : field.id === 'owner' ? cur.owner : field.id === 'justification' ? cur.justification : cur.evidence.join(' · ');
    const choices = field.choices ? ` (${field.choices.map((c) => c.value).join(', ')})` : '';
    const hint = field.kind === 'lines' ? ' One item a line; an empty line ends the list.' : field.hint ? ` ${field.hint}` : '';
    const answer = (await readAnswer(io, `${field.label}${choices} [${shown || '—'}]${hint}`, `${field.id}> `)).trim();
    if (field.kind === 'lines') {
      if (answer === '') continue;
      const items = answer === '-' ? [] : [answer];
      for (let more = answer !== '-'; more; ) {
        const next = (await readAnswer(io, '  more evidence (empty line ends):', 'evidence> ')).trim();
        if (next) items.push(next);
        else more = false;
      }
      raw.evidence = items.join('\n');
      continue;
    }
    if (answer === '') continue;
    if (field.id === 'owner' && answer !== '-') {
      const who = resolvePerson(answer, ctx.deps.policy);
      if (!who.ok) {
        io.print(`  ✗ ${who.message}; nothing was changed`);
        return ABANDONED;
      }
      raw.owner = who.person.platformId;
      continue;
    }
    raw[field.id] = answer === '-' ? '' : answer;
  }
  const r = await flows.editControl(ctx, found.entry.control, raw);
  if (r.kind === 'refused') {
    printRefusal(io, r);
    io.print('nothing was changed');
    return ABANDONED;
  }
  io.print(`updated ${r.entry.control}\n${renderControlLine(r.entry)}`);
  return undefined;
}

/** `soa` writes the draft as Markdown and prints its path; `soa approve [hash]` approves it. */
export async function soaCommand(ctx: FlowContext, io: Prompter, arg: string): Promise<FormOutcome> {
  const [word = '', hashText = ''] = arg.trim().split(/\s+/);
  if (word.toLowerCase() === 'approve') {
    // A hash prefix as printed by `soa`: it must name the current draft, or the approval is refused.
    const shown = hashText ? await fullHash(ctx, hashText) : undefined;
    const r = await flows.approveSoa(ctx, shown);
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`approved as ${r.version} (SHA-256 ${r.hash})`);
  }
  if (word) return void io.print('usage: soa, or soa approve [hash]');
  const r = await flows.soaForChat(ctx);
  if (r.kind === 'refused') return printRefusal(io, r);
  const path = join(mkdtempSync(join(tmpdir(), 'aimsbot-soa-')), `statement-of-applicability-${r.draft.hash.slice(0, 12)}.md`);
  writeFileSync(path, flows.soaMarkdown(r.draft));
  return io.print(renderSoaSummary(r.draft, r.latest, path));
}

/** The draft's full hash when `prefix` starts it, else the prefix itself (which then cannot match). */
async function fullHash(ctx: FlowContext, prefix: string): Promise<string> {
  const draft = await flows.soaDraft(ctx.deps.db, ctx.deps.policy, ctx.workspace.id);
  const latest = await flows.latestSoa(ctx.deps.db, ctx.workspace.id);
  const p = prefix.toLowerCase();
  if (p.length >= 8 && draft.hash.startsWith(p)) return draft.hash;
  if (p.length >= 8 && latest?.hash.startsWith(p)) return latest.hash;
  return p;
}
