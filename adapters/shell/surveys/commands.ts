/**
 * The shell's campaign words: `survey [ai-use|policy|literacy]` (compliance) starts one;
 * `survey answer <ref> none|<tools, comma separated>` answers the AI-use survey; `policy` shows
 * the AI policy, `policy acknowledge [version]` acknowledges it; `literacy <evidence>` records a
 * literacy attestation; `export literacy [csv|json]` (compliance) prints the records.
 */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import type { Prompter } from '../ask';
import type { FormOutcome } from '../conversations';
import { printRefusal } from '../conversations';

const ANSWER_USAGE = 'usage: /aims survey answer <S-2026-Q4> none | <tools, comma separated>';

/** Runs one campaign command. */
export async function surveyCommand(ctx: FlowContext, io: Prompter, word: string, rest: string[]): Promise<FormOutcome> {
  const tz = ctx.deps.policy.organization.timezone;
  if (word === 'export') {
    const r = await flows.literacyExportFile(ctx, rest[1] ?? 'csv');
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(`${r.filename} (${r.rows} ${r.rows === 1 ? 'person' : 'people'}):\n${r.content.replace(/^\uFEFF/, '').trimEnd()}`);
  }
  if (word === 'literacy') {
    const r = await flows.attestLiteracy(ctx, rest.join(' '));
    if (r.kind === 'refused') return printRefusal(io, r);
    return io.print(r.fresh ? 'recorded: your AI literacy training.' : `you already recorded this AI literacy training on ${flows.localDay(r.at, tz)}.`);
  }
  if (word === 'policy') {
    if ((rest[0] ?? '').toLowerCase() === 'acknowledge') {
      const current = ctx.deps.policy.aiPolicy?.version;
      const r = await flows.acknowledgePolicy(ctx, rest[1] ?? String(current ?? ''));
      if (r.kind === 'refused') return printRefusal(io, r);
      return io.print(r.fresh ? `recorded: you acknowledged the AI policy, version ${r.version}.` : `you already acknowledged version ${r.version} on ${flows.localDay(r.at, tz)}.`);
    }
    const v = await flows.policyView(ctx);
    if ('kind' in v) return printRefusal(io, v);
    const ack = v.acknowledgedAt ? `you acknowledged it on ${flows.localDay(v.acknowledgedAt, tz)}` : `you have not acknowledged it yet — /aims policy acknowledge ${v.version}`;
    const lit = v.literacy ? `your latest AI literacy attestation: ${flows.localDay(v.literacy.attestedAt, tz)} (${flows.stripBidi(v.literacy.evidence)})` : 'no AI literacy training confirmed yet — /aims literacy <link or note>';
    return io.print(`AI policy, version ${v.version}: ${flows.stripBidi(v.summary)}\n${flows.stripBidi(v.url)}\n${ack}\n${lit}`);
  }
  if ((rest[0] ?? '').toLowerCase() === 'answer') {
    const [, ref = '', ...words] = rest;
    const text = words.join(' ').trim();
    if (!ref || !text) return io.print(ANSWER_USAGE);
    // Names are matched to the catalog by flows; "none" alone means no tools.
    const r = await flows.answerSurvey(ctx, ref, { tools: [], otherTools: text });
    if (r.kind === 'refused') return printRefusal(io, r);
    const lines = [`recorded your answer to ${r.ref}${r.replaced ? ' (it replaces the earlier one)' : ''}.`];
    for (const t of r.unregistered) lines.push(`not registered yet: ${flows.stripBidi(t.name)} — /aims register`);
    return io.print(lines.join('\n'));
  }
  const r = await flows.startSurveyCommand(ctx, rest.join(' '));
  if (r.kind === 'refused') return printRefusal(io, r);
  return io.print(`started ${r.survey.ref} (${r.survey.kind.replace('_', ' ')}): everyone the bot knows is asked once, with one reminder.`);
}
