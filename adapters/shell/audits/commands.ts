/**
 * The shell's audit words: `audit plan` (compliance; the `audit.plan` questions), `audit <id>`,
 * `finding <id>` (the audit's auditors; the `finding.record` questions), `export audit-report
 * <id>` and `export audits [csv|json]` (compliance; printed). Answers are checked by flows, and
 * only the wrong ones are asked again.
 */
import type { AuditField, AuditFormValues, AuditView, FlowContext, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import { readAnswer } from '../ask';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { ABANDONED, printRefusal } from '../conversations';
import type { ShellPerson } from '../people';
import { resolvePerson } from '../people';

function describeField(f: AuditField, options: ReadonlyArray<{ value: string; label: string }>): string {
  const lines = [`${f.label}${f.required ? '' : ' (optional)'} [${f.id}]`, `  ${f.help}`];
  options.forEach((o, i) => lines.push(`  ${i + 1}) ${o.value === o.label ? o.value : `${o.value} — ${o.label}`}`));
  if (f.kind === 'people') lines.push('  (people, comma-separated, e.g. dana, me)');
  return lines.join('\n');
}

/** Reads one field's answer (option numbers become their value; people their platform ids). */
async function askField(io: Prompter, ctx: FlowContext, speaker: ShellPerson, f: AuditField, options: ReadonlyArray<{ value: string; label: string }>): Promise<string | string[]> {
  for (;;) {
    const text = await readAnswer(io, describeField(f, options), `${f.id}> `);
    if (f.kind === 'one' && options.length && text) {
      const picked = options[Number(text) - 1] ?? options.find((o) => o.value.toLowerCase() === text.toLowerCase());
      if (picked) return picked.value;
      io.print(`  ✗ choose 1–${options.length} or one of ${options.map((o) => o.value).join(', ')}`);
      continue;
    }
    if (f.kind !== 'people' || !text) return text;
    const ids: string[] = [];
    const bad: string[] = [];
    for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
      const who = resolvePerson(name, ctx.deps.policy, speaker);
      if (who.ok) ids.push(who.person.platformId);
      else bad.push(who.message);
    }
    if (!bad.length) return ids;
    io.print(`  ✗ ${bad.join('; ')}`);
  }
}

/** Asks the fields until flows accept them; `submit` returns the refusal of the first bad try. */
async function askForm<T extends { kind: string }>(
  io: Prompter,
  ctx: FlowContext,
  speaker: ShellPerson,
  fields: readonly AuditField[],
  options: Record<string, ReadonlyArray<{ value: string; label: string }>>,
  submit: (values: AuditFormValues) => Promise<T | Refusal>,
): Promise<T | Refusal> {
  const values: AuditFormValues = {};
  let only: Set<string> | null = null;
  for (;;) {
    for (const f of fields) if (!only || only.has(f.id)) values[f.id] = await askField(io, ctx, speaker, f, options[f.id] ?? f.options ?? []);
    const r = await submit(values);
    if (r.kind !== 'refused' || !(r as Refusal).errors?.length) return r;
    const errors = (r as Refusal).errors!;
    for (const e of errors) io.print(`  ✗ ${e.field}: ${e.message}`);
    io.print('  Please answer those again.');
    only = new Set(errors.map((e) => e.field));
  }
}

/** The audit as lines. */
export function renderAudit(v: AuditView): string {
  const criteria = [...v.criteria.clauses.map((c) => `clause ${c.id} ${c.title}`), ...v.criteria.controls.map((c) => `${c.id} ${c.title}`)];
  const lines = [
    `${v.ref} "${v.title}" [${v.status}] on ${v.plannedFor}`,
    `  auditors: ${v.auditors.join(', ') || '—'}`,
    `  criteria: ${criteria.join('; ') || 'the whole AI management system'}`,
    `  sample (seed ${v.sampleSeed}; up to ${v.sampleSizes.high} high, ${v.sampleSizes.limited} limited, ${v.sampleSizes.minimal} minimal):`,
    ...(v.sample.length ? v.sample.map((s) => `    ${s.ref} ${s.name} (${s.riskClass ?? 'not classified'}, owner ${s.owner})${s.request ? ` evidence ${s.request.ref} ${s.request.status}${s.request.evidence ? `: ${s.request.evidence}` : ` (due ${s.request.dueDate})`}` : ''}`) : ['    none']),
    `  findings (${v.findings.length}):`,
    ...v.findings.map((f) => `    ${f.ref} ${flows.FINDING_KIND_LABEL[f.kind]}, ${f.subject}: ${f.text}${f.nc ? ` → ${f.nc.ref} (${f.nc.status})` : ''}`),
  ];
  if (v.conclusion) lines.push(`  conclusion: ${v.conclusion}`);
  if (v.canRecordFinding) lines.push(`Record a finding with /aims finding ${v.ref}`);
  return lines.join('\n');
}

/** Runs `audit …`, `finding …` or `export audit-report|audits …`. */
export async function auditCommand(ctx: FlowContext, io: Prompter, speaker: ShellPerson, word: 'audit' | 'finding' | 'export', rest: string[]): Promise<FormOutcome> {
  const arg = rest.join(' ').trim();
  if (word === 'export') {
    const [what = '', param = ''] = rest;
    const r = what.toLowerCase() === 'audit-report' ? await flows.auditReportForChat(ctx, param) : await flows.auditsExportFile(ctx, (param || 'csv').toLowerCase());
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(r.kind === 'report' ? `${r.filename}${r.reported ? ` (${r.ref} is now reported)` : ''}:\n${r.markdown.trimEnd()}` : `${r.filename} (${r.rows} rows):\n${r.content.replace(/^\uFEFF/, '').trimEnd()}`);
  }
  if (word === 'finding') {
    if (!arg) return io.print('usage: /aims finding <audit id>, e.g. /aims finding IA-2026-1');
    const audit = await flows.findingAudit(ctx, arg);
    if ('kind' in audit) return printRefusal(io, audit);
    const subjects = await flows.findingSubjects(ctx.deps.db, audit);
    const token = flows.newFormToken();
    io.print(`A finding of ${flows.auditRefOf(audit)} "${audit.title}":`);
    const r = await askForm(io, ctx, speaker, flows.FINDING_FIELDS, { subject: subjects }, (values) => flows.recordFinding(ctx, arg, values, { token }));
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`recorded ${r.ref}${r.nc ? ` and opened nonconformity ${r.nc.ref}` : ''}`);
  }
  if (arg.toLowerCase() === 'plan') {
    const refused = flows.planAccess(ctx);
    if (refused) {
      printRefusal(io, refused);
      return ABANDONED;
    }
    const token = flows.newFormToken();
    io.print('Planning an internal audit: the sample is drawn from the approved systems, high-risk first, with a stored seed.');
    const r = await askForm(io, ctx, speaker, flows.AUDIT_PLAN_FIELDS, {}, (values) => flows.planAudit(ctx, values, { token }));
    if (r.kind === 'refused') return printRefusal(io, r);
    io.print(`planned ${r.ref} for ${r.audit.plannedFor}: ${r.audit.sample.length} system(s) sampled (seed ${r.audit.sampleSeed}); evidence requested: ${r.tasks.join(', ') || 'none'}`);
    return undefined;
  }
  if (!arg) return io.print('usage: /aims audit plan (compliance) · /aims audit <id>, e.g. /aims audit IA-2026-1');
  const v = await flows.auditView(ctx, arg);
  if (v.kind === 'refused') return printRefusal(io, v);
  return io.print(renderAudit(v));
}
