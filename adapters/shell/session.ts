/**
 * The shell adapter: the same commands as the chat platforms, read from a terminal or a pipe,
 * with `/as <name>` to speak as someone else (people are `shell:<name>`). End of input exits.
 */
import type { FlowContext, FlowDeps, Refusal } from '../../flows';
import * as flows from '../../flows';
import { dispatchDue } from '../../flows';
import type { Answers } from '../../flows/triage/types';
import { askRegistration, askTriage, InputEnded, Interrupted, readAnswer } from './ask';
import type { Prompter } from './ask';
import { shellDeliverer } from './deliver';
import type { LineSource } from './line-source';
import { renderCheck, renderClassification, renderPending, renderRequest, renderSystem, renderSystemLine } from './render';

export const SHELL_HELP = `commands:
  /aims register              register an AI tool and answer the triage questions
  /aims check <name>          is this tool approved, and under which conditions?
  /aims list                  the tools you own or registered
  /aims show <ref>            one tool in full, e.g. /aims show AI-1
  /aims pending               approvals waiting for you
  /aims approve <ref>         approve your step of a tool's request
  /aims reject <ref> <reason> reject it, with a reason
  /aims changes <ref> <reason> request changes, with a reason
  /aims resubmit <ref>        answer the triage again after changes were requested
  /aims review <ref>          confirm, update, retire or snooze a tool's review
  /as <name>                  speak as someone else (e.g. /as compliance)
  /aims help                  this list
  a line starting with / while answering questions cancels them
  (end of input or /quit leaves)`;

/** Options of a shell session. */
export interface ShellOptions {
  deps: FlowDeps;
  lines: LineSource;
  print: (text: string) => void;
  /** Echo input lines (piped input), so the transcript reads like a session. */
  echo: boolean;
  /** Who speaks first. Default `you`. */
  speaker?: string;
}

const SHELL_WORKSPACE = { platform: 'shell' as const, externalId: 'local', name: 'Local shell' };

/** Runs the shell until end of input. */
export async function runShell(opts: ShellOptions): Promise<void> {
  const io: Prompter = { lines: opts.lines, print: opts.print, echo: opts.echo };
  let speaker = opts.speaker ?? 'you';
  const context = (): Promise<FlowContext> =>
    flows.flowContext(opts.deps, SHELL_WORKSPACE, { platformId: `shell:${speaker}`, displayName: speaker });
  const deliver = shellDeliverer(opts.deps, opts.print);
  opts.print(`aimsbot shell — you are "${speaker}". Type /aims help for the commands.`);
  let pending: string | null = null;
  for (;;) {
    let text: string;
    if (pending !== null) {
      text = pending;
      pending = null;
    } else {
      if (!opts.echo) opts.print(`${speaker}> `);
      const line = await opts.lines.next();
      if (line === null) break;
      text = line.trim();
      if (opts.echo && text) opts.print(`${speaker}> ${text}`);
    }
    if (!text || text.startsWith('#')) continue;
    if (text === '/quit' || text === '/exit') break;
    const as = /^\/as\s+([\w.-]+)$/.exec(text);
    if (as) {
      speaker = as[1]!;
      opts.print(`you are now "${speaker}"`);
      continue;
    }
    if (text.startsWith('/as')) {
      opts.print('usage: /as <name> (one word, e.g. /as bob)');
      continue;
    }
    try {
      const ctx = await context();
      await runCommand(ctx, io, speaker, text.replace(/^\/aims\b\s*/, ''));
      await dispatchDue(opts.deps.db, opts.deps.clock, deliver, { workspaceIds: [ctx.workspace.id] });
    } catch (err) {
      if (err instanceof InputEnded) {
        opts.print('input ended before the conversation finished; nothing was submitted');
        break;
      }
      if (err instanceof Interrupted) {
        opts.print('conversation cancelled; nothing was submitted');
        pending = err.line;
        continue;
      }
      // One failing command must not take the shell down.
      opts.print(`error: ${(err as Error).message}`);
    }
  }
}

function printRefusal(io: Prompter, r: Refusal): void {
  io.print(r.code === 'invalid' && r.errors?.length ? r.errors.map((e) => `✗ ${e.field}: ${e.message}`).join('\n') : `✗ ${r.message}`);
}

async function runCommand(ctx: FlowContext, io: Prompter, speaker: string, command: string): Promise<void> {
  const [sub = 'help', ...rest] = command.split(/\s+/);
  const arg = rest.join(' ');
  switch (sub.toLowerCase()) {
    case 'help':
      io.print(SHELL_HELP);
      return;
    case 'register':
      return registerConversation(ctx, io, speaker);
    case 'check': {
      const r = await flows.check(ctx, arg);
      if (r.kind === 'refused') return printRefusal(io, r);
      if (r.kind === 'found') return io.print(renderCheck(r.check));
      io.print(`"${r.query}" is not registered. Register it with /aims register before you use it.`);
      if (r.suggestions.length) io.print(`did you mean: ${r.suggestions.map((s) => `${s.ref} ${s.name}`).join(', ')}?`);
      return;
    }
    case 'list': {
      const systems = await flows.listMine(ctx);
      io.print(systems.length ? systems.map(renderSystemLine).join('\n') : 'you own or registered no tools yet — /aims register');
      return;
    }
    case 'show': {
      if (!arg) return io.print('usage: /aims show <ref>, e.g. /aims show AI-1');
      const r = await flows.show(ctx, arg);
      if (r.kind === 'refused') return printRefusal(io, r);
      io.print(renderSystem(r.system, r.request));
      return;
    }
    case 'pending':
      io.print(renderPending(await flows.pendingForMe(ctx)));
      return;
    case 'approve':
    case 'reject':
    case 'changes': {
      const [ref, ...reasonWords] = rest;
      if (!ref) return io.print(`usage: /aims ${sub} <ref>${sub === 'approve' ? '' : ' <reason>'}`);
      const decision = sub === 'approve' ? 'approve' : sub === 'reject' ? 'reject' : 'request_changes';
      const r = await flows.decideForSystem(ctx, ref, decision, reasonWords.join(' '));
      if (r.kind === 'refused') return printRefusal(io, r);
      io.print(`recorded. ${renderRequest(r.request)}`);
      return;
    }
    case 'resubmit':
      return resubmitConversation(ctx, io, arg);
    case 'review':
      return reviewConversation(ctx, io, arg);
    default:
      io.print(`unknown command "${sub}".\n${SHELL_HELP}`);
  }
}

async function registerConversation(ctx: FlowContext, io: Prompter, speaker: string): Promise<void> {
  io.print('Registering an AI tool. First the registration, then the triage questions.');
  const fields = await askRegistration(io, speaker, async (name) => {
    const dup = await flows.findDuplicate(ctx, name);
    if (!dup) return true;
    io.print(`"${name}" is already registered as ${dup.ref} "${dup.name}" (${dup.status.replace('_', ' ')}, owner ${dup.owner.name}).`);
    io.print(`See it with /aims show ${dup.ref}; nothing new was registered.`);
    return false;
  });
  if (!fields) return;
  const answers = await askTriage(io);
  // Shell people are named by their id, so the owner is known by name before they ever speak.
  const r = await flows.register(ctx, { fields, answers, ownerName: fields.owner?.replace(/^shell:/, '') });
  if (r.kind === 'refused') return printRefusal(io, r);
  if (r.kind === 'duplicate') return io.print(`already registered as ${r.system.ref}; nothing new was registered`);
  io.print(`registered ${r.system.ref} "${r.system.name}" — ${r.system.status.replace('_', ' ')}`);
  io.print(renderClassification(r.classification));
}

async function resubmitConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<void> {
  if (!ref) return io.print('usage: /aims resubmit <ref>');
  const found = await flows.systemByRef(ctx, ref);
  if ('kind' in found) return printRefusal(io, found);
  if (found.status !== 'changes_requested' && found.status !== 'rejected') {
    return io.print(`✗ ${found.ref} is ${found.status.replace('_', ' ')}; only a tool with changes requested or rejected can be resubmitted.`);
  }
  io.print(`Answer the triage for ${found.ref} again (an empty line keeps the previous answer).`);
  const answers = await askTriage(io, (found.assessment?.answers ?? {}) as Answers);
  const r = await flows.resubmit(ctx, ref, answers);
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(`resubmitted ${r.system.ref} — ${r.system.status.replace('_', ' ')}`);
  io.print(renderClassification(r.classification));
}

async function reviewConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<void> {
  if (!ref) return io.print('usage: /aims review <ref>');
  const found = await flows.systemByRef(ctx, ref);
  if ('kind' in found) return printRefusal(io, found);
  io.print(renderSystem(found, null));
  const choice = await readAnswer(io, 'Review: 1) confirm still accurate  2) update answers  3) retire  4) snooze');
  let r: flows.ReviewResult;
  switch (choice.toLowerCase()) {
    case '1':
    case 'confirm':
      r = await flows.confirmReview(ctx, ref);
      break;
    case '2':
    case 'update':
      r = await flows.retriage(ctx, ref, await askTriage(io, (found.assessment?.answers ?? {}) as Answers));
      break;
    case '3':
    case 'retire':
      r = await flows.retire(ctx, ref, await readAnswer(io, 'Why is it retired? (optional)'));
      break;
    case '4':
    case 'snooze': {
      const days = Number(await readAnswer(io, `Snooze for how many days (1–${flows.SNOOZE_MAX_DAYS})?`));
      r = await flows.snoozeReview(ctx, ref, days, await readAnswer(io, 'Why?'));
      break;
    }
    default:
      return io.print('✗ choose 1, 2, 3 or 4; nothing was changed');
  }
  if (r.kind === 'refused') return printRefusal(io, r);
  switch (r.kind) {
    case 'confirmed':
      return io.print(`review recorded; next review of ${r.system.ref} on ${r.system.nextReviewAt?.toISOString().slice(0, 10) ?? '—'}`);
    case 'retriaged':
      io.print(renderClassification(r.classification));
      return io.print(r.request ? `the class or approvers changed: a new approval started.\n${renderRequest(r.request)}` : `no change in class or approvers; next review on ${r.system.nextReviewAt?.toISOString().slice(0, 10) ?? '—'}`);
    case 'retired':
      return io.print(`${r.system.ref} retired`);
    case 'snoozed':
      return io.print(`review reminders for ${r.system.ref} paused until ${r.untilLabel}`);
  }
}
