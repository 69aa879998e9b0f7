/**
 * The shell's impact commands: `impact <ref>` asks the impact questions one by one (an empty
 * line keeps the pre-filled answer, which says where it comes from), `inventory [filter]`
 * prints a page of the whole inventory, and `home` the compliance dashboard.
 */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { ABANDONED, printRefusal } from '../conversations';
import { renderSystemLine } from '../render';

/** `impact <ref>`: the owner or compliance answers the impact questions. */
export async function impactConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print('usage: /aims impact <ref>, e.g. /aims impact AI-1');
  const form = await flows.impactForm(ctx, ref);
  if ('kind' in form) {
    printRefusal(io, form);
    return ABANDONED;
  }
  io.print(
    `Impact assessment of ${form.system.ref} "${form.system.name}": ISO/IEC 42001 A.5.4 (individuals and groups) and A.5.5 (society)` +
      `${form.friaApplies ? ', and the EU AI Act Art. 27(1)(a)–(f) elements (fundamental rights impact assessment)' : ''}.` +
      (form.previous ? ` The answers of ${form.previous.ref} are offered; an empty line keeps one.` : ' An empty line keeps an answer triage already gave.'),
  );
  const answers: Record<string, string> = {};
  for (const q of form.questions) {
    const pre = form.prefill[q.id];
    const head = `${q.group === 'art27' ? `Art. 27(1)(${q.point})` : q.group} ${q.label} [${q.id}]\n  ${q.help}`;
    for (;;) {
      const text = await readAnswer(io, pre ? `${head}\n  (empty line keeps, ${pre.source}: ${pre.text})` : head, `${q.id}> `);
      const value = text || pre?.text || '';
      const checked = flows.validateImpactAnswers([q], { [q.id]: value });
      if (checked.ok) {
        answers[q.id] = checked.answers[q.id]!;
        break;
      }
      io.print(`  ✗ ${checked.errors[0]!.message}`);
    }
  }
  const r = await flows.assessImpact(ctx, ref, answers);
  if (r.kind === 'refused') return printRefusal(io, r);
  const due = r.impact.dueAt ? `; the next one falls due with the review on ${flows.localDay(r.impact.dueAt, ctx.deps.policy.organization.timezone)}` : '';
  io.print(r.created ? `recorded ${r.impact.ref}${r.impact.fria ? ' (with the Art. 27 elements: export it with "aimsbot export fria ' + r.system.ref + '")' : ''}${due}` : `${r.impact.ref} already has these answers; nothing new was recorded`);
  return undefined;
}

/** `inventory [filter]`: one page, and the command for the next. */
export async function printInventory(ctx: FlowContext, io: Prompter, filter: string): Promise<void> {
  const r = await flows.inventoryPage(ctx, filter);
  if (r.kind === 'refused') return printRefusal(io, r);
  const tz = ctx.deps.policy.organization.timezone;
  const head = `inventory${r.filter ? ` (${r.filter})` : ''}: ${r.total} tool${r.total === 1 ? '' : 's'}, page ${r.page} of ${r.pages}`;
  const lines = [head, ...r.systems.map((s) => renderSystemLine(s, tz))];
  if (r.unregistered?.length) lines.push(...r.unregistered.map((t) => `  ${flows.unregisteredToolLine(t, tz)}`));
  if (r.note) lines.push(r.note);
  if (r.next) lines.push(`next page: /aims inventory ${r.next}`);
  io.print(lines.join('\n'));
}

/** `home`: the compliance dashboard. */
export async function printDashboard(ctx: FlowContext, io: Prompter): Promise<void> {
  const d = await flows.complianceDashboard(ctx);
  if ('kind' in d) return printRefusal(io, d);
  const out: string[] = [];
  for (const s of flows.dashboardSections(d, ctx.deps.policy.organization.timezone)) {
    out.push(s.title, ...(s.lines.length ? s.lines.map((l) => `  ${l}`) : [`  ${s.empty}`]), ...(s.more ? [`  ${s.more}`] : []));
  }
  io.print(out.join('\n'));
}

/** The impact line under `show`, when one is expected. */
export async function printImpactLine(ctx: FlowContext, io: Prompter, system: flows.SystemView): Promise<void> {
  const line = await flows.impactLineFor(ctx, system, (d) => flows.localDay(d, ctx.deps.policy.organization.timezone));
  if (line) io.print(line);
}
