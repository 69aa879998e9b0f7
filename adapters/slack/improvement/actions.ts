/**
 * The nonconformity buttons and modals in Slack: `nc.containment`, `nc.root_cause`,
 * `nc.add_action` and `nc.verify` open the modal of the same id once flows say the clicker may
 * use it; `nc.close` closes at once (compliance). `nc.raise` is the modal of `/aims nc raise`.
 * Button values are whatever the client sent: every submission is checked and applied by
 * flows, a bad answer is shown next to its input, and a replay hears what already happened.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { NcChanged, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { esc } from '../mrkdwn';
import { NC_ACTIONS, NC_MODAL_FIELDS, ncModal, ncValues, renderNc } from './render';
import { answerInTime } from '../view-deadline';

const FAILED = 'Something went wrong on our side; nothing was changed. Please try again.';
const meta = z.object({ ref: z.string().max(20).optional(), channel: z.string().max(40).optional(), key: z.string().max(64).optional() });


/** Opens the `nc.raise` modal. */
export async function openRaise(rt: SlackRuntime, triggerId: string, channel?: string): Promise<void> {
  await rt.client.views.open({ trigger_id: triggerId, view: ncModal(NC_ACTIONS.raise, { channel, key: randomUUID() }, 'Anyone can raise a nonconformity; its owner is told and works it through to closure.') });
}

/** Registers the NC buttons and modals. */
export function registerNcActions(app: App, rt: SlackRuntime): void {
  for (const id of Object.keys(flows.NC_STEP_FLAGS)) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, context, respond }) => {
      await ack();
      const target = replyTargetOf(body, respond);
      try {
        const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
        const v = await flows.showNc(ctx, action.value ?? '');
        if ('kind' in v) return await tellPrivately(rt, target, renderNote(v.message));
        const why = flows.ncStepRefusal(v, id);
        if (why) return await tellPrivately(rt, target, renderNote(why));
        await rt.client.views.open({ trigger_id: body.trigger_id, view: ncModal(id, { ref: v.ref, channel: target.channelId }, `*${esc(v.ref)}* ${esc(v.description.slice(0, 500))}`) });
      } catch (err) {
        rt.logger.error({ err }, 'slack: nc button failed');
        await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
      }
    });
  }

  app.action<BlockAction<ButtonAction>>(NC_ACTIONS.close, async ({ ack, body, action, context, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      const r = await flows.closeNc(ctx, action.value ?? '');
      if (r.kind === 'refused') return await tellPrivately(rt, target, renderNote(r.message));
      rt.afterChange();
      await tellPrivately(rt, target, renderNc(r.nc, r.message));
    } catch (err) {
      rt.logger.error({ err }, 'slack: nc close failed');
      await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
    }
  });

  for (const id of [NC_ACTIONS.raise, ...Object.keys(flows.NC_STEP_FLAGS)]) {
    app.view(id, answerInTime(rt, async ({ ack, body, view, context }) => {
      let m: z.infer<typeof meta> | null = null;
      try {
        const parsed = meta.safeParse(JSON.parse(view.private_metadata || '{}'));
        m = parsed.success ? parsed.data : null;
      } catch {
        m = null;
      }
      const firstField = NC_MODAL_FIELDS[id]![0]!.id;
      if (!m || (id !== NC_ACTIONS.raise && !m.ref)) return void (await ack({ response_action: 'errors', errors: { [firstField]: 'This form is damaged; close it and open it again.' } }));
      let r: NcChanged | Refusal;
      try {
        const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
        r = await flows.applyNcStep(ctx, id, m.ref ?? '', ncValues(id, view.state.values as Record<string, Record<string, unknown>>), m.key);
      } catch (err) {
        rt.logger.error({ err }, 'slack: nc form failed');
        return void (await ack({ response_action: 'errors', errors: { [firstField]: FAILED } }));
      }
      if (r.kind === 'refused' && r.code === 'invalid' && r.errors?.length) {
        const errors: Record<string, string> = {};
        for (const e of r.errors) errors[e.field] = e.message;
        return void (await ack({ response_action: 'errors', errors }));
      }
      await ack();
      const to = { userId: body.user.id, channelId: m.channel };
      if (r.kind === 'refused') return tellPrivately(rt, to, renderNote(r.message));
      rt.afterChange();
      await tellPrivately(rt, to, renderNc(r.nc, r.message));
    }));
  }
}
