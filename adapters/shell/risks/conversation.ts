/**
 * The risk forms in the terminal: `assess` walks through the pre-filled risks (keep and edit,
 * or drop), then offers to add more; `risk add` and `risk edit` ask one risk. Each risk is
 * checked as soon as it is answered, and only its bad answers are asked again.
 */
import type { FlowContext, RiskField, RiskFormValues } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { ABANDONED, printRefusal } from '../conversations';
import type { ShellPerson } from '../people';
import { resolvePerson } from '../people';
import { renderRiskLines } from './render';

const shown = (v: RiskFormValues[string]): string => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

function describeField(f: RiskField, current: RiskFormValues[string]): string {
  const lines = [`${f.label}${f.required ? '' : ' (optional)'} [${f.id}]`, `  ${f.help}`];
  // The 38 controls are too many to list: their ids are typed.
  if (f.options && f.kind === 'one') f.options.forEach((o, i) => lines.push(`  ${i + 1}) ${o.value === String(i + 1) ? o.label : `${o.value} — ${o.label}`}`));
  if (f.kind === 'many') lines.push('  (several allowed, comma-separated ids)');
  if (f.kind === 'person') lines.push('  (a person, e.g. bob or me)');
  const now = shown(current);
  if (now) lines.push(`  (empty line keeps: ${now}; "-" clears it)`);
  return lines.join('\n');
}

/** Reads one field's answer as the form value (option numbers become their value). */
async function askField(io: Prompter, ctx: FlowContext, speaker: ShellPerson, f: RiskField, current: RiskFormValues[string]): Promise<RiskFormValues[string]> {
  for (;;) {
    const text = await readAnswer(io, describeField(f, current), `${f.id}> `);
    if (text === '') return current ?? '';
    if (text === '-') return '';
    if (f.kind === 'one' && f.options) {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      const byNumber = f.options[n - 1];
      const byValue = f.options.find((o) => o.value === text.toLowerCase());
      const picked = byNumber ?? byValue;
      if (picked) return picked.value;
      io.print(`  ✗ choose 1–${f.options.length} or one of ${f.options.map((o) => o.value).join(', ')}`);
      continue;
    }
    if (f.kind === 'many') return text.split(',').map((s) => s.trim()).filter(Boolean);
    if (f.kind === 'person') {
      const who = resolvePerson(text, ctx.deps.policy, speaker);
      if (who.ok) return who.person.platformId;
      io.print(`  ✗ ${who.message}`);
      continue;
    }
    return text;
  }
}

/** Asks the fields of one risk (`only` limits it to those that were wrong) until it validates. */
async function askRisk(io: Prompter, ctx: FlowContext, speaker: ShellPerson, start: RiskFormValues): Promise<RiskFormValues> {
  const values: RiskFormValues = { ...start };
  let only: Set<string> | null = null;
  for (;;) {
    for (const f of flows.RISK_FIELDS) {
      if (only && !only.has(f.id)) continue;
      values[f.id] = await askField(io, ctx, speaker, f, values[f.id]);
    }
    const parsed = flows.parseRiskForm(values, flows.todayOf(ctx));
    if (!Array.isArray(parsed)) return values;
    for (const e of parsed) io.print(`  ✗ ${e.field}: ${e.message}`);
    io.print('  Please answer those again.');
    only = new Set(parsed.map((e) => e.field));
  }
}

async function yesNo(io: Prompter, question: string): Promise<boolean> {
  for (;;) {
    const t = (await readAnswer(io, question, '[yes/no]> ')).toLowerCase();
    if (['y', 'yes'].includes(t)) return true;
    if (['n', 'no'].includes(t)) return false;
    io.print('  ✗ answer yes or no');
  }
}

/** `/aims assess <ref>`: the pre-filled form, risk by risk. */
export async function assessConversation(ctx: FlowContext, io: Prompter, speaker: ShellPerson, ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print('usage: /aims assess <ref>, e.g. /aims assess AI-1');
  const draft = await flows.assessmentDraft(ctx, ref);
  if ('kind' in draft) {
    printRefusal(io, draft);
    return ABANDONED;
  }
  const { system } = draft;
  io.print(`Assessing the risks of ${system.ref} "${system.name}": ${draft.entries.length} to look at (suggested from the triage answers, or already in the register).`);
  const entries: flows.AssessEntry[] = [];
  for (const [i, e] of draft.entries.entries()) {
    const label = e.number ? `R-${e.number}` : 'suggested';
    const entry = flows.catalogEntry(shown(e.values['source']));
    io.print(`\n${i + 1}/${draft.entries.length} (${label}) ${entry?.label ?? shown(e.values['source'])}: ${shown(e.values['description'])}`);
    const keep = await yesNo(io, e.number ? 'Keep this risk? (no drops it from the register)' : 'Is this a risk of this system? (no drops it)');
    if (!keep) {
      entries.push({ number: e.number, drop: true, values: e.values });
      continue;
    }
    entries.push({ number: e.number, values: await askRisk(io, ctx, speaker, e.values) });
  }
  while (await yesNo(io, 'Add another risk?')) entries.push({ values: await askRisk(io, ctx, speaker, {}) });
  const r = await flows.assess(ctx, system.ref, entries);
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(`saved ${r.saved.length} risk${r.saved.length === 1 ? '' : 's'} of ${system.ref}${r.closed.length ? `, dropped ${r.closed.map((n) => `R-${n}`).join(', ')}` : ''}:`);
  for (const row of r.saved) io.print(`  ${flows.riskRef(system.ref, row.number)} [${row.status}] score ${row.score}, ${row.treatment}`);
  io.print(`See the register with /aims risks ${system.ref}`);
  return undefined;
}

/** `/aims risk add <ref>` and `/aims risk edit <AI-1/R-1>`. */
export async function riskConversation(ctx: FlowContext, io: Prompter, speaker: ShellPerson, verb: 'add' | 'edit', ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print(`usage: /aims risk ${verb} ${verb === 'add' ? '<ref>' : '<risk ref, e.g. AI-1/R-1>'}`);
  let start: RiskFormValues = {};
  if (verb === 'edit') {
    const draft = await flows.riskByRef(ctx, ref);
    if ('kind' in draft) return void printRefusal(io, draft);
    const form = await flows.assessmentDraft(ctx, draft.system.ref);
    if ('kind' in form) return void printRefusal(io, form);
    start = form.entries.find((e) => e.number === draft.risk.number)?.values ?? {};
  } else {
    const allowed = await flows.editableSystem(ctx, ref);
    if ('kind' in allowed) return void printRefusal(io, allowed);
  }
  const values = await askRisk(io, ctx, speaker, start);
  const r = verb === 'add' ? await flows.addRisk(ctx, ref, values) : await flows.editRisk(ctx, ref, values);
  if (r.kind === 'refused') return printRefusal(io, r);
  const saved = r.saved[0]!;
  io.print(`saved ${flows.riskRef(r.system.ref, saved.number)} [${saved.status}] score ${saved.score}, ${saved.treatment}`);
  return undefined;
}

/** `/aims risk accept <AI-1/R-1>`. */
export async function acceptCommand(ctx: FlowContext, io: Prompter, ref: string): Promise<void> {
  if (!ref) return io.print('usage: /aims risk accept <risk ref, e.g. AI-1/R-1>');
  const r = await flows.acceptResidual(ctx, ref);
  if (r.kind === 'refused') return printRefusal(io, r);
  const view = await flows.registerView(ctx, r.system);
  const risk = view.risks.find((x) => x.number === r.risk.number)!;
  io.print(r.already ? `${risk.ref} was already accepted by ${r.acceptedBy}; nothing changed.` : `accepted the residual risk ${risk.ref}.`);
  io.print(renderRiskLines(risk).join('\n'));
}
