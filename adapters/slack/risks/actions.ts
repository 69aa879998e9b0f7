/**
 * The risk buttons and modal: `risk.assess` (the pre-filled risks one modal at a time, "Save and
 * next"), `risk.add`, `risk.edit` and `risk.accept_residual`. Button values are whatever the
 * client sent: rights and state are checked by flows before any modal opens, and every answer
 * is told privately. Each submission is saved on its own, so a replayed one only saves the same
 * values again.
 */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import type { FlowContext, Refusal, RiskFormValues } from '../../../flows';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { RISK_CALLBACK, riskIntro, riskMeta, riskModal, riskValues } from './modal';
import type { RiskMeta } from './modal';
import { RISK_ACTIONS } from './render';
import { answerInTime } from '../view-deadline';

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The modal for step `meta.index` of an assessment, from a fresh draft; null when the queue is done. */
async function assessStep(ctx: FlowContext, meta: RiskMeta): Promise<types.ModalView | Refusal | null> {
  const draft = await flows.assessmentDraft(ctx, meta.ref);
  if ('kind' in draft) return draft;
  const step = flows.assessmentStep(draft, meta.queue, meta.index);
  if (!step) return null;
  return riskModal({ ...meta, index: step.index }, step.entry.values, `Risks of ${draft.system.ref}`, riskIntro(step.label, String(step.entry.values['description'] ?? '')));
}

/** Opens the first modal of an assessment. */
export async function openAssess(rt: SlackRuntime, ctx: FlowContext, ref: string, triggerId: string, channel?: string): Promise<Refusal | null> {
  const draft = await flows.assessmentDraft(ctx, ref);
  if ('kind' in draft) return draft;
  const queue = flows.assessmentQueue(draft);
  if (queue.length === 0) {
    // Nothing suggested and nothing in the register: start with one new risk.
    await rt.client.views.open({ trigger_id: triggerId, view: riskModal({ mode: 'add', ref: draft.system.ref, queue: [], index: 0, channel }, {}, `Add a risk`, riskIntro(`New risk of ${draft.system.ref}`, draft.system.name)) });
    return null;
  }
  const view = await assessStep(ctx, { mode: 'assess', ref: draft.system.ref, queue, index: 0, channel });
  if (view && 'kind' in view) return view;
  if (view) await rt.client.views.open({ trigger_id: triggerId, view });
  return null;
}

/** Opens the add or edit modal. */
async function openOne(rt: SlackRuntime, ctx: FlowContext, mode: 'add' | 'edit', ref: string, triggerId: string, channel?: string): Promise<Refusal | null> {
  if (mode === 'add') {
    const found = await flows.editableSystem(ctx, ref);
    if ('kind' in found) return found;
    const meta: RiskMeta = { mode, ref: found.system.ref, queue: [], index: 0, channel };
    await rt.client.views.open({ trigger_id: triggerId, view: riskModal(meta, {}, 'Add a risk', riskIntro(`New risk of ${found.system.ref}`, found.system.name)) });
    return null;
  }
  const found = await flows.riskByRef(ctx, ref);
  if ('kind' in found) return found;
  const draft = await flows.assessmentDraft(ctx, found.system.ref);
  if ('kind' in draft) return draft;
  const entry = draft.entries.find((e) => e.number === found.risk.number);
  if (!entry) return { kind: 'refused', code: 'closed', message: `${ref} was dropped from the register.` };
  const riskRef = flows.riskRef(found.system.ref, found.risk.number);
  await rt.client.views.open({ trigger_id: triggerId, view: riskModal({ mode, ref: riskRef, queue: [], index: 0, channel }, entry.values, `Edit ${riskRef}`, riskIntro(riskRef, found.system.name)) });
  return null;
}

/** Field problems keyed by block id; a problem of no field goes to the description. */
function fieldErrors(r: Refusal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of r.errors ?? []) out[e.field] = e.message.replace(/^(?:risk \d+|R-\d+): /, '');
  return Object.keys(out).length ? out : { description: r.message };
}

/** Saves one submitted modal. */
async function save(ctx: FlowContext, meta: RiskMeta, values: RiskFormValues, drop: boolean): Promise<flows.RiskSaved | Refusal | 'skipped'> {
  if (meta.mode === 'add') return flows.addRisk(ctx, meta.ref, values);
  if (meta.mode === 'edit') return flows.editRisk(ctx, meta.ref, values);
  const wanted = meta.queue[meta.index];
  if (!wanted) return { kind: 'refused', code: 'invalid', message: 'This form is damaged; close it and click Assess again.' };
  // A dropped suggestion was never saved: nothing to write.
  if (drop && wanted.number === null) return 'skipped';
  return flows.assess(ctx, meta.ref, [{ number: wanted.number, drop, values }]);
}

/** Registers the risk buttons and the risk modal. */
export function registerRiskActions(app: App, rt: SlackRuntime): void {
  const on = (actionId: string, run: (ctx: FlowContext, value: string, body: BlockAction) => Promise<Refusal | string | null>) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, context, respond }) => {
      await ack();
      const target = replyTargetOf(body, respond);
      try {
        const ctx = await slackContext(rt, context.teamId, body.user.id);
        const r = await run(ctx, action.value ?? '', body);
        if (r === null) return;
        await tellPrivately(rt, target, renderNote(typeof r === 'string' ? r : r.message));
      } catch (err) {
        rt.logger.error({ err }, 'slack: risk action failed');
        await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
      }
    });
  const channelOf = (body: BlockAction) => replyTargetOf(body).channelId;
  on(RISK_ACTIONS.assess, (ctx, ref, body) => openAssess(rt, ctx, ref, body.trigger_id, channelOf(body)));
  on(RISK_ACTIONS.add, (ctx, ref, body) => openOne(rt, ctx, 'add', ref, body.trigger_id, channelOf(body)));
  on(RISK_ACTIONS.edit, (ctx, ref, body) => openOne(rt, ctx, 'edit', ref, body.trigger_id, channelOf(body)));
  on(RISK_ACTIONS.accept, async (ctx, ref) => {
    const r = await flows.acceptResidual(ctx, ref);
    if (r.kind === 'refused') return r;
    const riskRef = flows.riskRef(r.system.ref, r.risk.number);
    if (r.already) return `${riskRef} was already accepted by ${r.acceptedBy}; nothing changed.`;
    rt.afterChange();
    return `You accepted the residual risk ${riskRef} (score ${flows.acceptanceScore(r.risk)}).`;
  });

  app.view(RISK_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = riskMeta.safeParse(jsonOrNull(view.private_metadata));
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { description: 'This form is damaged; close it and open it again.' } }));
    const { values, drop } = riskValues(view.state.values as Record<string, Record<string, unknown>>);
    let ctx: FlowContext;
    let r: flows.RiskSaved | Refusal | 'skipped';
    try {
      ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await save(ctx, meta.data, values, drop);
    } catch (err) {
      rt.logger.error({ err }, 'slack: risk form failed');
      return void (await ack({ response_action: 'errors', errors: { description: 'Something went wrong on our side; nothing was saved. Please try again.' } }));
    }
    if (r !== 'skipped' && r.kind === 'refused' && r.code === 'invalid') return void (await ack({ response_action: 'errors', errors: fieldErrors(r) }));
    const target = { userId: body.user.id, channelId: meta.data.channel };
    if (r !== 'skipped' && r.kind === 'refused') {
      await ack();
      return tellPrivately(rt, target, renderNote(r.message));
    }
    rt.afterChange();
    if (meta.data.mode === 'assess') {
      const next = await assessStep(ctx, { ...meta.data, index: meta.data.index + 1 });
      if (next && !('kind' in next)) return void (await ack({ response_action: 'update', view: next }));
    }
    await ack();
    await tellPrivately(rt, target, renderNote(`Saved. See the register with /aims risks ${meta.data.ref.split('/')[0]}.`));
  }));
}
