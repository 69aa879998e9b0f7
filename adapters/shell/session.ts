/**
 * The shell adapter: the same commands as the chat platforms, read from a terminal (with line
 * editing, history and a prompt) or a pipe, with `/as <name>` to speak as someone else (people
 * are `shell:<name>`). End of input exits; on a terminal Ctrl-C cancels a form and a second
 * Ctrl-C at the command prompt exits.
 */
import type { FlowContext, FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { dispatchDue } from '../../flows';
import { InputEnded, Interrupted } from './ask';
import type { Prompter } from './ask';
import { SHELL_HELP, unknownCommand } from './commands';
import type { FormOutcome } from './conversations';
import { ABANDONED, printRefusal, registerConversation, resubmitConversation, reviewConversation } from './conversations';
import { shellDeliverer } from './deliver';
import { CtrlC } from './line-source';
import type { LineSource } from './line-source';
import type { ShellPerson } from './people';
import { resolvePerson } from './people';
import { renderCheck, renderPending, renderRequest, renderSystem, renderSystemLine } from './render';
import { controlsCommand, soaCommand } from './controls/commands';
import { impactConversation, printDashboard, printImpactLine, printInventory } from './impact/commands';
import { printTasks, taskConversation } from './tasks/conversation';
import { riskCommand } from './risks/commands';
import { incidentCommand } from './incidents/commands';
import { ncCommand, ncExport } from './improvement/conversation';
import { auditCommand } from './audits/commands';
import { catalogOffer, editConversation, registerNamed, transferCommand } from './catalog/commands';
import { surveyCommand } from './surveys/commands';

export { SHELL_HELP } from './commands';

/** Options of a shell session. */
export interface ShellOptions {
  deps: FlowDeps;
  lines: LineSource;
  print: (text: string) => void;
  /** Echo input lines (piped input), so the transcript reads like a session. */
  echo: boolean;
  /** Who speaks first, as typed (`bob`, `@bob`, an `email:` member). Default `you`. */
  speaker?: string;
}

/** The prompt of the command line on a terminal. */
export const COMMAND_PROMPT = 'aims> ';

const SHELL_WORKSPACE = { platform: 'shell' as const, externalId: 'local', name: 'Local shell' };

/** Runs the shell until end of input (or /quit, or Ctrl-C twice on a terminal). */
export async function runShell(opts: ShellOptions): Promise<void> {
  const io: Prompter = { lines: opts.lines, print: opts.print, echo: opts.echo };
  const interactive = opts.lines.interactive === true;
  const first = resolvePerson(opts.speaker ?? 'you', opts.deps.policy);
  let speaker: ShellPerson = first.ok ? first.person : { platformId: 'shell:you', name: 'you' };
  const context = (): Promise<FlowContext> =>
    flows.flowContext(opts.deps, SHELL_WORKSPACE, { platformId: speaker.platformId, displayName: speaker.name, email: speaker.email });
  const deliver = shellDeliverer(opts.deps, opts.print);
  opts.print(`aimsbot shell — you are "${speaker.name}". Type help for the commands.`);
  if (interactive) opts.print('Arrow keys edit and recall lines; Ctrl-C cancels a form, and twice at the prompt leaves.');
  let pending: string | null = null;
  // Piped input after a form stopped early: its remaining answers are skipped up to the next command.
  let skipping: { form: string; lines: number } | null = null;
  let ctrlC = false;
  const endSkip = () => {
    if (skipping?.lines) opts.print(`(skipped ${skipping.lines} line${skipping.lines === 1 ? '' : 's'} meant as answers to the ${skipping.form} that stopped; reading commands again)`);
    skipping = null;
  };
  for (;;) {
    let text: string;
    if (pending !== null) {
      text = pending;
      pending = null;
    } else {
      if (!opts.echo && !interactive) opts.print(`${speaker.name}> `);
      let line: string | null;
      try {
        line = await opts.lines.next(COMMAND_PROMPT);
      } catch (err) {
        if (!(err instanceof CtrlC)) throw err;
        // Ctrl-C on a half-typed line clears it; on an empty prompt, twice leaves.
        if (err.hadText) ctrlC = false;
        else if (ctrlC) break;
        else {
          ctrlC = true;
          opts.print('(press Ctrl-C again, or type /quit, to leave)');
        }
        continue;
      }
      if (line === null) break;
      ctrlC = false;
      text = line.trim();
      if (skipping) {
        if (!text.startsWith('/')) {
          if (text) skipping.lines += 1;
          continue;
        }
        endSkip();
      }
      if (opts.echo && text) opts.print(`${speaker.name}> ${text}`);
    }
    if (!text || text.startsWith('#')) continue;
    if (text === '/quit' || text === '/exit') break;
    if (/^\/as(\s|$)/i.test(text)) {
      const who = resolvePerson(text.slice(3), opts.deps.policy);
      if (who.ok) {
        speaker = who.person;
        opts.print(`you are now "${speaker.name}"`);
      } else opts.print(`✗ ${who.message} (usage: /as <name>, e.g. /as bob)`);
      continue;
    }
    try {
      const ctx = await context();
      const outcome = await runCommand(ctx, io, speaker, text);
      if (outcome === ABANDONED && !interactive) skipping = { form: formName(text), lines: 0 };
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
      if (err instanceof CtrlC) {
        opts.print('form cancelled, nothing saved');
        ctrlC = true;
        continue;
      }
      // One failing command must not take the shell down.
      opts.print(`error: ${(err as Error).message}`);
    }
  }
  endSkip();
}

function formName(text: string): string {
  const word = commandWords(text)[0] ?? '';
  return word === 'register' ? 'registration' : word === 'resubmit' ? 'resubmission' : word;
}

/** `/aims list`, `list` and `/list` are the same command; `/aims` alone is help. */
function commandWords(text: string): string[] {
  const rest = text.replace(/^\/aims\b/i, '').replace(/^\//, '').trim();
  return rest ? rest.split(/\s+/) : ['help'];
}

async function runCommand(ctx: FlowContext, io: Prompter, speaker: ShellPerson, text: string): Promise<FormOutcome> {
  const [typed = 'help', ...rest] = commandWords(text);
  const sub = typed.toLowerCase();
  const arg = rest.join(' ');
  const tz = ctx.deps.policy.organization.timezone;
  switch (sub) {
    case 'help':
    case '?':
      return io.print(SHELL_HELP);
    case 'register':
      if (arg) return registerNamed(ctx, io, speaker, arg);
      return registerConversation(ctx, io, speaker);
    case 'check': {
      if (!arg) return io.print('usage: /aims check <name>, e.g. /aims check ChatGPT');
      const r = await flows.check(ctx, arg);
      if (r.kind === 'refused') return printRefusal(io, r);
      if (r.kind === 'found') return io.print(renderCheck(r.check));
      if (r.catalog) return catalogOffer(io, r.catalog, r.suggestions);
      io.print(`"${r.query}" is not registered. Register it with /aims register before you use it.`);
      if (r.suggestions.length) io.print(`did you mean: ${r.suggestions.map((s) => `${s.ref} ${s.name}`).join(', ')}?`);
      return;
    }
    case 'transfer':
      return transferCommand(ctx, io, speaker, arg);
    case 'edit':
      return editConversation(ctx, io, arg);
    case 'list': {
      const systems = await flows.listMine(ctx);
      return io.print(systems.length ? systems.map((s) => renderSystemLine(s, tz)).join('\n') : 'you own or registered no tools yet — /aims register');
    }
    case 'show': {
      if (!arg) return io.print('usage: /aims show <ref>, e.g. /aims show AI-1');
      const r = await flows.show(ctx, arg);
      if (r.kind === 'refused') return printRefusal(io, r);
      io.print(renderSystem(r.system, r.request, tz));
      return printImpactLine(ctx, io, r.system);
    }
    case 'pending':
      return io.print(renderPending(await flows.pendingForMe(ctx)));
    case 'approve':
    case 'reject':
    case 'changes': {
      const [ref, ...reasonWords] = rest;
      if (!ref) return io.print(`usage: /aims ${sub} <ref>${sub === 'approve' ? '' : ' <reason>'}`);
      const decision = sub === 'approve' ? 'approve' : sub === 'reject' ? 'reject' : 'request_changes';
      const r = await flows.decideForSystem(ctx, ref, decision, reasonWords.join(' '));
      if (r.kind === 'refused') return printRefusal(io, r);
      return io.print(`recorded. ${renderRequest(r.request, tz)}`);
    }
    case 'resubmit':
      return resubmitConversation(ctx, io, arg);
    case 'review':
      return reviewConversation(ctx, io, arg);
    case 'controls':
      return controlsCommand(ctx, io, arg);
    case 'soa':
      return soaCommand(ctx, io, arg);
    case 'management-review':
      return io.print((await flows.managementReviewCommand(ctx, arg)).text);
    case 'impact':
      return impactConversation(ctx, io, arg);
    case 'inventory':
      return printInventory(ctx, io, arg);
    case 'home':
      return printDashboard(ctx, io);
    case 'tasks':
      return printTasks(ctx, io, arg);
    case 'task':
      return taskConversation(ctx, io, arg);
    case 'risks':
    case 'assess':
    case 'risk':
      return riskCommand(ctx, io, speaker, sub, rest);
    case 'incident':
      return incidentCommand(ctx, io, sub, rest);
    case 'nc':
      return ncCommand(ctx, io, speaker, rest);
    case 'audit':
    case 'finding':
      return auditCommand(ctx, io, speaker, sub, rest);
    case 'survey':
    case 'policy':
    case 'literacy':
      return surveyCommand(ctx, io, sub, rest);
    case 'export':
      if ((rest[0] ?? '').toLowerCase() === 'nonconformities') return ncExport(ctx, io, rest[1] ?? 'csv');
      if (/^(audit-report|audits)$/i.test(rest[0] ?? '')) return auditCommand(ctx, io, speaker, sub, rest);
      if ((rest[0] ?? '').toLowerCase() === 'literacy') return surveyCommand(ctx, io, sub, rest);
      if ((rest[0] ?? '').toLowerCase() === 'management-review') {
        const files = await flows.managementReviewForChat(ctx, rest[1] ?? '');
        if ('kind' in files) return io.print(files.message);
        io.print(files.markdown);
        return io.print(`(The PDF and the chart PNGs: npm run -s aimsbot -- export management-review ${files.ref} --out ${files.markdownName})`);
      }
      if ((rest[0] ?? '').toLowerCase() === 'risks') return riskCommand(ctx, io, speaker, sub, rest);
      if ((rest[0] ?? '').toLowerCase() === 'incidents') return incidentCommand(ctx, io, sub, rest);
      return io.print('usage: /aims export risks|incidents|nonconformities|audits|literacy [csv|json] · export audit-report|management-review <id> (compliance); other exports: npm run -s aimsbot -- export');
    default:
      return io.print(unknownCommand(typed));
  }
}
