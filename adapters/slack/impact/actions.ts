/**
 * Slack handlers of the impact area: `/aims impact <ref>` and the "Assess impact" button open the
 * impact modal (who may assess is checked before it opens); the modal's answers are validated in
 * flows and shown next to their inputs; `/aims inventory [filter]` and its "Next page" button.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { day } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { IMPACT_ACTIONS, IMPACT_CALLBACK, impactModal, renderInventory } from './render';
import { answerInTime } from '../view-deadline';

type Reply = (m: SlackMessage) => Promise<unknown>;

/** `/aims impact <ref>`: the modal, or why not. */
export async function impactCommand(rt: SlackRuntime, ctx: flows.FlowContext, ref: string, triggerId: string, reply: Reply): Promise<void> {
  if (!ref) return void (await reply(renderNote('Which tool? e.g. /aims impact AI-1')));
  const form = await flows.impactForm(ctx, ref);
  if ('kind' in form) return void (await reply(renderNote(form.message)));
  await rt.client.views.open({ trigger_id: triggerId, view: impactModal(form) });
}

/** `/aims inventory [filter]`: one page (compliance only). */
export async function inventoryCommand(rt: SlackRuntime, ctx: flows.FlowContext, filter: string, reply: Reply): Promise<void> {
  const r = await flows.inventoryPage(ctx, filter);
  await reply(r.kind === 'refused' ? renderNote(r.message) : renderInventory(r, rt.deps.policy.organization.timezone));
}

/** Registers the impact buttons and the impact modal. */
export function registerImpact(app: App, rt: SlackRuntime): void {
  app.action<BlockAction<ButtonAction>>(IMPACT_ACTIONS.open, async ({ ack, body, action, context, respond }) => {
    await ack();
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      const form = await flows.impactForm(ctx, action.value ?? '');
      if ('kind' in form) return void (await tellPrivately(rt, replyTargetOf(body, respond), renderNote(form.message)));
      await rt.client.views.open({ trigger_id: body.trigger_id, view: impactModal(form) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: impact button failed');
    }
  });

  app.action<BlockAction<ButtonAction>>(IMPACT_ACTIONS.inventoryPage, async ({ ack, body, action, context, respond }) => {
    await ack();
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      const r = await flows.inventoryPage(ctx, action.value ?? '');
      const m = r.kind === 'refused' ? renderNote(r.message) : renderInventory(r, rt.deps.policy.organization.timezone);
      // The page replaces the one clicked (ephemeral replies have a response URL); else privately.
      if (respond) await respond({ response_type: 'ephemeral', replace_original: r.kind !== 'refused', text: m.text, blocks: m.blocks });
      else await tellPrivately(rt, replyTargetOf(body), m);
    } catch (err) {
      rt.logger.error({ err }, 'slack: inventory page failed');
    }
  });

  app.view(IMPACT_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    const answers: Record<string, string> = {};
    for (const [blockId, actions] of Object.entries(view.state.values)) {
      const value = actions[blockId]?.value;
      if (typeof value === 'string') answers[blockId] = value;
      else if (value === null || value === undefined) answers[blockId] = '';
    }
    let r: flows.AssessImpactResult;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.assessImpact(ctx, view.private_metadata, answers);
    } catch (err) {
      rt.logger.error({ err }, 'slack: impact submission failed');
      const first = Object.keys(answers)[0] ?? 'affected_groups';
      return void (await ack({ response_action: 'errors', errors: { [first]: 'Something went wrong on our side; nothing was saved. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid' && r.errors?.length) {
      const errors: Record<string, string> = {};
      const first = Object.keys(answers)[0] ?? 'affected_groups';
      // A field the modal does not have (a forged submission) is reported on the first input.
      for (const e of r.errors) errors[e.field in answers ? e.field : first] = e.message;
      return void (await ack({ response_action: 'errors', errors }));
    }
    await ack();
    const target = { userId: body.user.id };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    rt.afterChange();
    const tz = rt.deps.policy.organization.timezone;
    const due = r.impact.dueAt ? ` The next one falls due with the review on ${day(r.impact.dueAt, tz)}.` : '';
    const text = r.created
      ? `Impact assessment ${r.impact.ref} recorded${r.impact.fria ? ', with the Art. 27 elements (FRIA)' : ''}.${due}`
      : `${r.impact.ref} already has these answers; nothing new was recorded.`;
    await tellPrivately(rt, target, renderNote(text));
  }));
}
