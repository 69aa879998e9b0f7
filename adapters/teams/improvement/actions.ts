/**
 * Nonconformity actions in Teams: `nc.raise`, `nc.containment`, `nc.root_cause`,
 * `nc.add_action`, `nc.verify` show their form (without `submit`) once flows say the clicker
 * may use it, and save it (with `submit`); `nc.close` closes at once (compliance). A bad answer
 * comes back on the same form under its input; a replay hears what already happened. People
 * are given from the picker (an AAD id), as an email, or "me".
 */
import { randomUUID } from 'node:crypto';
import type { NcFormValues, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { inputValue } from '../parse-activity';
import { resolveOwner } from '../people';
import { NC_ACTIONS, NC_FORM_FIELDS, ncCard, ncFormCard } from './cards';

/** A parsed NC action (see parse-activity.ts). */
export interface NcAction {
  action: string;
  ref?: string | undefined;
  submit?: boolean | undefined;
}

const refusal = (r: Refusal) => messageCard(r.message, { error: r.code !== 'already_decided' });


/** The inputs of a submitted form; people resolved to `teams:<aad id>` (or a problem under the field). */
async function valuesOf(turn: FormTurn, id: string, data: Record<string, unknown>): Promise<{ values: NcFormValues; errors: Record<string, string> }> {
  const values: NcFormValues = {};
  const errors: Record<string, string> = {};
  for (const f of NC_FORM_FIELDS[id] ?? []) {
    // The one text of containment and root cause is also accepted under the generic id `text`.
    values[f.id] = inputValue(data, f.id) || (f.kind === 'text' && id !== NC_ACTIONS.raise ? inputValue(data, 'text') : '');
    if (f.kind !== 'person' || !values[f.id]) continue;
    const who = await resolveOwner(turn.context, turn.directory, values[f.id]!, turn.speaker.id);
    if (who.ok) values[f.id] = who.platformId;
    else errors[f.id] = who.message;
  }
  return { values, errors };
}

/** Handles one NC action and returns the card to show. */
export async function handleNcAction(turn: FormTurn, a: NcAction, data: Record<string, unknown>): Promise<CardJson> {
  const { ctx } = turn;
  const ref = a.ref ?? '';
  if (a.action === NC_ACTIONS.close) {
    const r = await flows.closeNc(ctx, ref);
    if (r.kind === 'refused') return refusal(r);
    turn.afterChange();
    return ncCard(r.nc, r.message);
  }
  if (a.action !== NC_ACTIONS.raise) {
    const v = await flows.showNc(ctx, ref);
    if ('kind' in v) return refusal(v);
    const why = flows.ncStepRefusal(v, a.action);
    if (why && !(a.submit && a.action === NC_ACTIONS.verify && v.effective === true)) return messageCard(why, { error: true });
  }
  if (!a.submit) return ncFormCard(a.action, a.action === NC_ACTIONS.raise ? null : ref, {}, {}, turn.speaker, randomUUID());
  const { values, errors } = await valuesOf(turn, a.action, data);
  const formRef = a.action === NC_ACTIONS.raise ? null : ref;
  const key = typeof data.key === 'string' ? data.key : undefined;
  if (Object.keys(errors).length) return ncFormCard(a.action, formRef, values, errors, turn.speaker, key);
  const r = await flows.applyNcStep(ctx, a.action, ref, values, typeof data.key === 'string' ? data.key : undefined);
  if (r.kind === 'refused') {
    if (r.code !== 'invalid' || !r.errors?.length) return refusal(r);
    const byField: Record<string, string> = {};
    for (const e of r.errors) byField[e.field] = e.message;
    return ncFormCard(a.action, formRef, values, byField, turn.speaker, key);
  }
  turn.afterChange();
  return ncCard(r.nc, r.message);
}

/** `nc raise`, `nc NC-7` typed in chat. */
export async function ncCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const word = arg.trim();
  if (!word) return messageCard('Usage: nc raise, or nc NC-7 to see one.');
  if (word.toLowerCase() === 'raise') return ncFormCard(NC_ACTIONS.raise, null, {}, {}, turn.speaker, randomUUID());
  const v = await flows.showNc(turn.ctx, word);
  return 'kind' in v ? refusal(v) : ncCard(v);
}

/** Longest CSV shown in a card; longer exports point to the command line. */
const INLINE_MAX = 20_000;

/** `export nonconformities [csv|json]` (compliance): the file's text in the card. */
export async function ncExportCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const [, format = 'csv'] = arg.toLowerCase().split(/\s+/);
  const file = await flows.ncExportFile(turn.ctx, format);
  if (file.kind === 'refused') return refusal(file);
  const text = file.content.replace(/^\uFEFF/, '');
  if (text.length > INLINE_MAX) return messageCard(`${file.rows} nonconformities: too many for one Teams message; run aimsbot export nonconformities --format ${format} on the server.`);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: `${file.filename} (${file.rows} nonconformities)`, weight: 'Bolder', wrap: true },
      // The CSV or JSON as it would be written, in a code block: shown, never rendered as markdown.
      { type: 'CodeBlock', codeSnippet: text, language: format === 'json' ? 'Json' : 'PlainText' },
    ],
  };
}
