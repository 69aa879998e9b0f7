/**
 * The shell's incident words: `incident [<ref>]` asks the `incident.report` fields one by one
 * (only the bad answers are asked again), `incident INC-4` shows one, `incident INC-4
 * informed|reported` records a step, `export incidents [csv|json]` prints the export.
 */
import type { FlowContext, IncidentField, IncidentFormValues } from '../../../flows';
import * as flows from '../../../flows';
import { localDateTime } from '../../../flows/display';
import type { Prompter } from '../ask';
import { readAnswer } from '../ask';
import type { FormOutcome } from '../conversations';
import { printRefusal } from '../conversations';

const STEP_WORDS: Record<string, flows.IncidentStep> = { informed: 'provider_informed', 'provider-informed': 'provider_informed', reported: 'authority_reported', 'authority-reported': 'authority_reported' };

function describeField(f: IncidentField, current: string): string {
  const lines = [`${f.label}${f.required ? '' : ' (optional: empty line to skip)'} [${f.id}]`, `  ${f.help}`];
  if (f.options) f.options.forEach((o, i) => lines.push(`  ${i + 1}) ${o.value} — ${o.label}`));
  if (current) lines.push(`  (empty line keeps: ${current})`);
  return lines.join('\n');
}

async function askField(io: Prompter, f: IncidentField, current: string): Promise<string> {
  for (;;) {
    const text = await readAnswer(io, describeField(f, current), `${f.id}> `);
    if (text === '') return current;
    if (!f.options) return text;
    const picked = f.options[Number(text) - 1] ?? f.options.find((o) => o.value === text.toLowerCase());
    if (picked) return picked.value;
    io.print(`  ✗ choose 1–${f.options.length} or one of ${f.options.map((o) => o.value).join(', ')}`);
  }
}

async function reportConversation(ctx: FlowContext, io: Prompter, systemRef: string): Promise<FormOutcome> {
  const tz = ctx.deps.policy.organization.timezone;
  const values: IncidentFormValues = { occurred_at: localDateTime(ctx.deps.clock.now(), tz).slice(0, 16) };
  if (systemRef) {
    const s = await flows.systemByRef(ctx, systemRef);
    if ('kind' in s) return printRefusal(io, s);
    values['system'] = s.ref;
    io.print(`Reporting an incident with ${s.ref} "${s.name}". Compliance is told at once.`);
  }
  let only: Set<string> | null = null;
  for (;;) {
    for (const f of flows.INCIDENT_FIELDS) {
      if (f.id === 'system' && systemRef) continue;
      if (only && !only.has(f.id)) continue;
      values[f.id] = await askField(io, f, String(values[f.id] ?? ''));
    }
    const r = await flows.reportIncident(ctx, values);
    if (r.kind === 'reported') {
      io.print(`reported ${r.incident.ref}; compliance has been told.`);
      io.print(flows.incidentLines(r.incident, tz, r.notes).join('\n'));
      return undefined;
    }
    if (r.code !== 'invalid' || !r.errors?.length) return printRefusal(io, r);
    for (const e of r.errors) io.print(`  ✗ ${e.field}: ${e.message}`);
    io.print('  Please answer those again.');
    only = new Set(r.errors.map((e) => e.field));
    if (systemRef && only.has('system')) return printRefusal(io, r);
  }
}

/** Runs `incident …` or `export incidents …`. */
export async function incidentCommand(ctx: FlowContext, io: Prompter, word: string, rest: string[]): Promise<FormOutcome> {
  if (word === 'export') {
    const r = await flows.incidentExportFile(ctx, (rest[1] ?? 'csv').toLowerCase());
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`${r.filename} (${r.rows} incident${r.rows === 1 ? '' : 's'}):\n${r.content.replace(/^\uFEFF/, '').trimEnd()}`);
  }
  const [first = '', step = ''] = rest;
  if (/^inc-/i.test(first)) {
    if (step) {
      const which = STEP_WORDS[step.toLowerCase()];
      if (!which) return io.print(`usage: /aims incident ${first} informed · /aims incident ${first} reported`);
      const r = await flows.recordIncidentStep(ctx, first, which);
      if (r.kind === 'refused') return printRefusal(io, r);
      return io.print(flows.stepRecordedText(r));
    }
    const v = await flows.incidentByRef(ctx, first);
    if ('kind' in v) return printRefusal(io, v);
    return io.print(flows.incidentLines(v, ctx.deps.policy.organization.timezone).join('\n'));
  }
  return reportConversation(ctx, io, first);
}
