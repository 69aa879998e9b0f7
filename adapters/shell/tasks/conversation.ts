/**
 * The shell's tasks: `tasks [all|overdue]` lists open tasks, `task <T-n>` asks whether it is done
 * (then for the evidence) or does not apply (then for the reason). The rules are the flows';
 * the shell only asks again until an answer passes them.
 */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { ABANDONED, printRefusal } from '../conversations';

/** `tasks [all|overdue]`: one line per task, overdue ones marked, and how to close one. */
export async function printTasks(ctx: FlowContext, io: Prompter, arg: string): Promise<void> {
  const list = await flows.listTasks(ctx, arg);
  if ('kind' in list) return printRefusal(io, list);
  if (list.items.length === 0) return io.print(flows.emptyTaskListText(list.scope));
  const lines = list.items.map((t) => `${t.overdueDays > 0 ? '! ' : '  '}${flows.taskLine(t)}`);
  if (list.more) lines.push(`  … and ${list.more} more`);
  lines.push('close one with /aims task <ref>, e.g. /aims task ' + list.items[0]!.ref);
  io.print(lines.join('\n'));
}

async function askChecked(io: Prompter, question: string, prompt: string, check: (t: string) => { value: string } | { problem: string }): Promise<string> {
  for (;;) {
    const r = check(await readAnswer(io, question, prompt));
    if ('value' in r) return r.value;
    io.print(`  ✗ ${r.problem}`);
  }
}

/** `task <ref>`: done with evidence, or not applicable with a reason. */
export async function taskConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print('usage: /aims task <ref>, e.g. /aims task T-1');
  const found = await flows.closableTask(ctx, ref);
  if ('kind' in found) {
    printRefusal(io, found);
    return ABANDONED;
  }
  io.print(`${flows.taskLine(found)}${found.detail ? `\n  ${found.detail}` : ''}`);
  let choice = '';
  for (;;) {
    choice = (await readAnswer(io, 'Close it: 1) done (with evidence)  2) not applicable (with a reason)', 'task [1-2]> ')).trim().toLowerCase();
    if (['1', 'done'].includes(choice)) choice = 'done';
    else if (['2', 'na', 'not applicable', 'n/a'].includes(choice)) choice = 'na';
    else {
      io.print('  ✗ Choose 1 (done) or 2 (not applicable).');
      continue;
    }
    break;
  }
  const r =
    choice === 'done'
      ? await flows.completeTask(ctx, found.ref, await askChecked(io, 'Evidence: a link (https://…) or a note on what was done', 'evidence> ', flows.evidenceProblem))
      : await flows.markTaskNotApplicable(ctx, found.ref, await askChecked(io, 'Why does it not apply? (compliance will see it)', 'reason> ', flows.reasonProblem));
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(r.task.status === 'done' ? `${r.task.ref} done; evidence recorded.` : `${r.task.ref} marked not applicable; compliance has been told.`);
  return undefined;
}
