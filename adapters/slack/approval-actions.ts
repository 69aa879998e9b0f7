/**
 * Approval buttons in the request threads. Approve decides at once; reject and request
 * changes first ask for a reason in a modal. Refusals (not yours, already decided) are told
 * privately and change nothing; a recorded decision updates every copy through the outbox.
 */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import { z } from 'zod';
import type { DecideResult, Decision } from '../../flows';
import * as flows from '../../flows';
import { LIMITS, plain, section } from './blocks';
import { APPROVAL_ACTIONS } from './render-request';
import { renderNote } from './render-system';
import type { ReplyTarget, SlackRuntime } from './runtime';
import { slackContext, tellPrivately } from './runtime';
import { answerInTime } from './view-deadline';

/** Callback id of the reason modal; its input's block and action id is `reason`. */
export const REASON_CALLBACK = 'approval.reason';

const reasonMeta = z.object({
  stepId: z.number().int().positive(),
  decision: z.enum(['reject', 'request_changes']),
  channel: z.string().optional(),
  thread: z.string().optional(),
});

/** Where a click on a message came from, for private answers. */
export function replyTargetOf(body: BlockAction, respond?: ReplyTarget['respond']): ReplyTarget {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  return {
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id,
    threadTs: message?.thread_ts ?? message?.ts,
    respond,
  };
}

function reasonView(stepId: number, decision: 'reject' | 'request_changes', target: ReplyTarget): types.ModalView {
  const verb = decision === 'reject' ? 'Reject' : 'Request changes';
  return {
    type: 'modal',
    callback_id: REASON_CALLBACK,
    title: plain(verb, LIMITS.modalTitle),
    submit: plain(verb, LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ stepId, decision, channel: target.channelId, thread: target.threadTs }),
    blocks: [
      section(decision === 'reject' ? 'Why is it rejected? The submitter and everyone in the thread will see this.' : 'What must change? The submitter will see this and can resubmit.'),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason', LIMITS.label),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: flows.REASON_MAX },
      },
    ],
  };
}

/** Registers the approval buttons and the reason modal. */
export function registerApprovalActions(app: App, rt: SlackRuntime): void {
  for (const decision of Object.keys(APPROVAL_ACTIONS) as Decision[]) {
    app.action<BlockAction<ButtonAction>>(APPROVAL_ACTIONS[decision], async ({ ack, body, action, context, respond }) => {
      await ack();
      const target = replyTargetOf(body, respond);
      const stepId = Number(action.value);
      try {
        const ctx = await slackContext(rt, context.teamId, body.user.id);
        if (!Number.isInteger(stepId) || stepId <= 0) return void (await tellPrivately(rt, target, renderNote('This button is damaged; nothing was changed.')));
        if (decision === 'approve') {
          const r = await flows.recordDecision(ctx, { stepId, decision });
          if (r.kind === 'refused') return void (await tellPrivately(rt, target, renderNote(r.message)));
          rt.afterChange();
          return;
        }
        const refusal = await flows.previewDecision(ctx, stepId, decision);
        if (refusal) return void (await tellPrivately(rt, target, renderNote(refusal.message)));
        await rt.client.views.open({ trigger_id: body.trigger_id, view: reasonView(stepId, decision, target) });
      } catch (err) {
        rt.logger.error({ err }, 'slack: approval action failed');
        await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
      }
    });
  }

  app.view(REASON_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    let meta: z.infer<typeof reasonMeta>;
    try {
      meta = reasonMeta.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack({ response_action: 'errors', errors: { reason: 'This form is damaged; close it and click the button again.' } });
      return;
    }
    const reason = view.state.values.reason?.reason?.value?.trim() ?? '';
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'A reason is required to reject or request changes.' } });
      return;
    }
    let r: DecideResult;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.decideStep(ctx, { stepId: meta.stepId, decision: meta.decision, reason });
    } catch (err) {
      // The person sees a sentence, the log the stack; the flow's transaction left nothing half-done.
      rt.logger.error({ err }, 'slack: decision failed');
      await ack({ response_action: 'errors', errors: { reason: 'Something went wrong on our side; nothing was changed. Please try again.' } });
      return;
    }
    if (r.kind === 'refused' && r.code === 'invalid') {
      await ack({ response_action: 'errors', errors: { reason: r.errors?.[0]?.message ?? r.message } });
      return;
    }
    await ack();
    const target: ReplyTarget = { userId: body.user.id, channelId: meta.channel, threadTs: meta.thread };
    if (r.kind === 'refused') {
      await tellPrivately(rt, target, renderNote(r.message));
      return;
    }
    rt.afterChange();
  }));
}

