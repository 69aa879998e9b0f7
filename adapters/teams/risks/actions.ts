/**
 * The risk card actions in Teams: `risk.assess`, `risk.add`, `risk.edit` open the form (with
 * `submit` they save it), `risk.accept_residual` accepts. Rights are checked by flows before a
 * form is shown; a bad answer comes back on the same form with the message under its input.
 */
import type { FlowContext, Refusal, RiskFormValues } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { inputValue } from '../parse-activity';
import { resolveOwner } from '../people';
import type { RiskFormMeta } from './cards';
import { registerCard, riskFormCard } from './cards';

/** A parsed risk action (see parse-activity.ts). */
export interface RiskAction {
  action: 'risk.assess' | 'risk.add' | 'risk.edit' | 'risk.accept_residual';
  ref: string;
  submit?: boolean | undefined;
  queue?: RiskFormMeta['queue'] | undefined;
  index?: number | undefined;
}

const refusal = (r: Refusal) => messageCard(r.message, { error: true });

/** The form of step `meta.index` of an assessment, from a fresh draft; null when done. */
async function assessStep(turn: FormTurn, meta: RiskFormMeta, errors: Record<string, string> = {}, override?: RiskFormValues): Promise<CardJson | Refusal | null> {
  const draft = await flows.assessmentDraft(turn.ctx, meta.ref);
  if ('kind' in draft) return draft;
  const step = flows.assessmentStep(draft, meta.queue, meta.index);
  if (!step) return null;
  return riskFormCard({ ...meta, index: step.index }, `Risks of ${draft.system.ref}`, step.label, override ?? step.entry.values, errors, turn.speaker);
}

/** Opens the form for an action (assess: the first pre-filled risk). */
async function open(turn: FormTurn, a: RiskAction): Promise<CardJson> {
  const { ctx } = turn;
  if (a.action === 'risk.assess') {
    const draft = await flows.assessmentDraft(ctx, a.ref);
    if ('kind' in draft) return refusal(draft);
    const queue = flows.assessmentQueue(draft);
    if (queue.length === 0) return riskFormCard({ mode: 'add', ref: draft.system.ref, queue: [], index: 0 }, `Add a risk to ${draft.system.ref}`, draft.system.name, {}, {}, turn.speaker);
    return asCard(await assessStep(turn, { mode: 'assess', ref: draft.system.ref, queue, index: 0 }));
  }
  if (a.action === 'risk.add') {
    const found = await flows.editableSystem(ctx, a.ref);
    if ('kind' in found) return refusal(found);
    return riskFormCard({ mode: 'add', ref: found.system.ref, queue: [], index: 0 }, `Add a risk to ${found.system.ref}`, found.system.name, {}, {}, turn.speaker);
  }
  const found = await flows.riskByRef(ctx, a.ref);
  if ('kind' in found) return refusal(found);
  const draft = await flows.assessmentDraft(ctx, found.system.ref);
  if ('kind' in draft) return refusal(draft);
  const entry = draft.entries.find((e) => e.number === found.risk.number);
  if (!entry) return messageCard(`${a.ref} was dropped from the register.`, { error: true });
  const riskRef = flows.riskRef(found.system.ref, found.risk.number);
  return riskFormCard({ mode: 'edit', ref: riskRef, queue: [], index: 0 }, `Edit ${riskRef}`, found.system.name, entry.values, {}, turn.speaker);
}

/** The answers on a submitted form, as flows expect them (the picker gives an AAD id). */
async function valuesOf(turn: FormTurn, data: Record<string, unknown>): Promise<{ values: RiskFormValues; ownerError: string | null }> {
  const values: RiskFormValues = {};
  for (const f of flows.RISK_FIELDS) values[f.id] = inputValue(data, f.id);
  const owner = String(values['treatment_owner'] ?? '');
  if (!owner) return { values, ownerError: null };
  const who = await resolveOwner(turn.context, turn.directory, owner, turn.speaker.id);
  if (!who.ok) return { values, ownerError: who.message };
  values['treatment_owner'] = who.platformId;
  return { values, ownerError: null };
}

async function submit(turn: FormTurn, a: RiskAction, data: Record<string, unknown>): Promise<CardJson> {
  const { ctx } = turn;
  const mode = a.action === 'risk.assess' ? 'assess' : a.action === 'risk.add' ? 'add' : 'edit';
  const meta: RiskFormMeta = { mode, ref: a.ref, queue: a.queue ?? [], index: a.index ?? 0 };
  const { values, ownerError } = await valuesOf(turn, data);
  const drop = inputValue(data, 'keep') === 'drop';
  const again = (errors: Record<string, string>) =>
    mode === 'assess' ? assessStep(turn, meta, errors, { ...values, keep: inputValue(data, 'keep') }) : Promise.resolve(riskFormCard(meta, mode === 'add' ? `Add a risk to ${a.ref}` : `Edit ${a.ref}`, a.ref, values, errors, turn.speaker));
  if (ownerError && !drop) return asCard(await again({ treatment_owner: ownerError }));
  let r: flows.RiskSaved | Refusal | null = null;
  if (mode === 'add') r = await flows.addRisk(ctx, a.ref, values);
  else if (mode === 'edit') r = await flows.editRisk(ctx, a.ref, values);
  else {
    const wanted = meta.queue[meta.index];
    if (!wanted) return messageCard('This form is out of date; open the register again.', { error: true });
    // A dropped suggestion was never saved: nothing to write.
    if (!(drop && wanted.number === null)) r = await flows.assess(ctx, a.ref, [{ number: wanted.number, drop, values }]);
  }
  if (r && r.kind === 'refused') {
    if (r.code !== 'invalid') return refusal(r);
    const errors: Record<string, string> = {};
    for (const e of r.errors ?? []) errors[e.field] = e.message.replace(/^(?:risk \d+|R-\d+): /, '');
    return asCard(await again(errors));
  }
  turn.afterChange();
  if (mode === 'assess') {
    const next = await assessStep(turn, { ...meta, index: meta.index + 1 });
    if (next) return asCard(next);
  }
  const view = await flows.riskRegister(ctx, a.ref.split('/')[0]!);
  return 'kind' in view ? messageCard('Saved.') : registerCard(view);
}

function asCard(c: CardJson | Refusal | null): CardJson {
  if (!c) return messageCard('Saved.');
  // Cards never carry `kind`; refusals always do.
  return c.kind === 'refused' ? refusal(c as Refusal) : (c as CardJson);
}

/** Handles one risk action and returns the card to show. */
export async function handleRiskAction(turn: FormTurn, a: RiskAction, data: Record<string, unknown>): Promise<CardJson> {
  if (a.action === 'risk.accept_residual') return accept(turn.ctx, a.ref, turn.afterChange);
  return a.submit ? submit(turn, a, data) : open(turn, a);
}

async function accept(ctx: FlowContext, ref: string, afterChange: () => void): Promise<CardJson> {
  const r = await flows.acceptResidual(ctx, ref);
  if (r.kind === 'refused') return refusal(r);
  const riskRef = flows.riskRef(r.system.ref, r.risk.number);
  if (r.already) return messageCard(`${riskRef} was already accepted by ${r.acceptedBy}; nothing changed.`);
  afterChange();
  return messageCard(`You accepted the residual risk ${riskRef} (score ${flows.acceptanceScore(r.risk)}).`);
}

/** `risks <ref>` and `assess <ref>` typed in chat. */
export async function riskCommand(turn: FormTurn, name: 'risks' | 'assess', arg: string): Promise<CardJson> {
  if (!arg) return messageCard(`Usage: ${name} <ref>, e.g. ${name} AI-1`);
  if (name === 'assess') return open(turn, { action: 'risk.assess', ref: arg });
  const v = await flows.riskRegister(turn.ctx, arg);
  return 'kind' in v ? refusal(v) : registerCard(v);
}
