/**
 * The shell's nonconformities: `nc raise` asks the `nc.raise` fields; `nc <ref>` prints the NC
 * (stage, containment, root cause, actions, effectiveness) and what the speaker may do next;
 * `nc <ref> containment|root-cause|action|verify|close` runs that step, asking its fields until
 * the flows accept them; `export nonconformities [csv|json]` prints the file (compliance).
 */
import type { FlowContext, NcChanged, NcField, NcFormValues, NcView, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { printRefusal } from '../conversations';
import type { ShellPerson } from '../people';
import { resolvePerson } from '../people';

/** The NC as lines of plain text. */
export function ncText(v: NcView): string {
  const lines = [
    `${v.ref} · ${v.severity} · from ${v.source} · ${v.statusLabel}${v.system ? ` · ${v.system.ref} "${v.system.name}"` : ''}`,
    `  ${v.description}`,
    `  owner: ${v.owner?.label ?? 'none'} · raised ${v.createdOn}`,
    `  containment: ${v.containment ?? '—'}`,
    `  root cause: ${v.rootCause ?? '— (needed before actions are planned)'}`,
    ...(v.actions.length ? ['  corrective actions:', ...v.actions.map((a) => `    ${a.ref} ${a.title} — ${a.assignee}, due ${a.dueDate}, ${a.status.replace('_', ' ')}`)] : ['  corrective actions: none yet']),
    `  effectiveness: ${v.effectivenessDue ? `check due ${v.effectivenessDue}; ` : ''}${v.effective === null ? 'not verified' : v.effective ? `effective (${v.verifiedBy ?? ''}, ${v.verifiedOn ?? ''})` : 'not effective: reopened'}`,
    ...(v.closedOn ? [`  closed by ${v.closedBy ?? 'someone'} on ${v.closedOn}`] : []),
  ];
  const next = [
    v.can.containment ? 'containment' : '',
    v.can.rootCause ? 'root-cause' : '',
    v.can.addAction ? 'action' : '',
    v.can.verify ? 'verify' : '',
    v.can.close ? 'close' : '',
  ].filter(Boolean);
  if (next.length) lines.push(`  next: /aims nc ${v.ref} ${next.join('|')}`);
  return lines.join('\n');
}

const STEPS: Record<string, { fields: readonly NcField[]; run: (ctx: FlowContext, ref: string, v: NcFormValues) => Promise<NcChanged | Refusal> }> = {
  containment: { fields: flows.NC_CONTAINMENT_FIELDS, run: flows.containNc },
  'root-cause': { fields: flows.NC_ROOT_CAUSE_FIELDS, run: flows.setRootCause },
  action: { fields: flows.NC_ACTION_FIELDS, run: flows.addNcAction },
  verify: { fields: flows.NC_VERIFY_FIELDS, run: flows.verifyNc },
};
const ALIASES: Record<string, string> = { contain: 'containment', root_cause: 'root-cause', rootcause: 'root-cause', cause: 'root-cause', 'add-action': 'action', add_action: 'action' };

/** Asks one field; options by number or value, people by name (`me` too). */
async function askField(io: Prompter, ctx: FlowContext, speaker: ShellPerson, f: NcField): Promise<string> {
  for (;;) {
    const lines = [`${f.label} [${f.id}]`, `  ${f.help}`, ...(f.options ?? []).map((o, i) => `  ${i + 1}) ${o.value} — ${o.label}`)];
    const text = await readAnswer(io, lines.join('\n'), `${f.id}> `);
    if (f.options) {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      const picked = f.options[n - 1] ?? f.options.find((o) => o.value === text.toLowerCase());
      if (picked) return picked.value;
      io.print(`  ✗ choose 1–${f.options.length} or one of ${f.options.map((o) => o.value).join(', ')}`);
      continue;
    }
    if (f.kind === 'person') {
      const who = resolvePerson(text, ctx.deps.policy, speaker);
      if (who.ok) return who.person.platformId;
      io.print(`  ✗ ${who.message}`);
      continue;
    }
    return text;
  }
}

/** Asks the fields, runs the step, and asks again only the fields the flows refused. */
async function askAndRun(ctx: FlowContext, io: Prompter, speaker: ShellPerson, fields: readonly NcField[], run: (v: NcFormValues) => Promise<NcChanged | Refusal>): Promise<FormOutcome> {
  const values: NcFormValues = {};
  let only: Set<string> | null = null;
  for (;;) {
    for (const f of fields) if (!only || only.has(f.id)) values[f.id] = await askField(io, ctx, speaker, f);
    const r = await run(values);
    if (r.kind === 'nc') return io.print(`${r.message}\n${ncText(r.nc)}`);
    if (r.code !== 'invalid' || !r.errors?.length) return printRefusal(io, r);
    for (const e of r.errors) io.print(`  ✗ ${e.field}: ${e.message}`);
    io.print('  Please answer those again.');
    only = new Set(r.errors.map((e) => e.field));
  }
}

/** `nc …` */
export async function ncCommand(ctx: FlowContext, io: Prompter, speaker: ShellPerson, rest: string[]): Promise<FormOutcome> {
  const [first = '', stepWord = ''] = rest;
  if (!first) return io.print('usage: /aims nc raise · /aims nc <NC-n> · /aims nc <NC-n> containment|root-cause|action|verify|close');
  if (first.toLowerCase() === 'raise') return askAndRun(ctx, io, speaker, flows.NC_RAISE_FIELDS, (v) => flows.raiseNc(ctx, v));
  const v = await flows.showNc(ctx, first);
  if ('kind' in v) return printRefusal(io, v);
  const step = ALIASES[stepWord.toLowerCase()] ?? stepWord.toLowerCase();
  if (!step) return io.print(ncText(v));
  if (step === 'close') {
    const r = await flows.closeNc(ctx, v.ref);
    return r.kind === 'refused' ? printRefusal(io, r) : io.print(`${r.message}\n${ncText(r.nc)}`);
  }
  const s = STEPS[step];
  if (!s) return io.print(`unknown step "${stepWord}"; use containment, root-cause, action, verify or close`);
  // Who may act, and whether the step is open, is said before any question is asked.
  const flag = ({ containment: 'containment', 'root-cause': 'rootCause', action: 'addAction', verify: 'verify' } as const)[step as 'containment'];
  if (!v.can[flag]) {
    const dry = await s.run(ctx, v.ref, {});
    if (dry.kind === 'refused' && dry.code !== 'invalid') return printRefusal(io, dry);
    if (!v.can.containment) return io.print(`✗ Only the owner of ${v.ref} or compliance can work on it.`);
    const why = flows.ncStepRefusal(v, Object.keys(flows.NC_STEP_FLAGS).find((id) => flows.NC_STEP_FLAGS[id] === flag) ?? '');
    if (why) return io.print(`✗ ${why}`);
  }
  return askAndRun(ctx, io, speaker, s.fields, (values) => s.run(ctx, v.ref, values));
}

/** `export nonconformities [csv|json]`: the file printed (compliance). */
export async function ncExport(ctx: FlowContext, io: Prompter, format: string): Promise<void> {
  const r = await flows.ncExportFile(ctx, format.toLowerCase());
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(`${r.filename} (${r.rows} nonconformit${r.rows === 1 ? 'y' : 'ies'}):\n${r.content.replace(/^\uFEFF/, '').trimEnd()}`);
}
