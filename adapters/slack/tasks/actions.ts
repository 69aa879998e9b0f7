/**
 * Task buttons and modals in Slack: `task.done` / `task.not_applicable` buttons (value = the
 * task's ref) check who clicks and whether the task is still open, then open the modal of the
 * same id; its submission (`evidence` or `reason`) is validated and applied by flows. A second
 * click, a replayed submission or a race is answered "already done by … on …".
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { TASK_ACTIONS, taskModal } from './render-tasks';
import { answerInTime } from '../view-deadline';

const meta = z.object({ ref: z.string().max(20), channel: z.string().optional(), thread: z.string().optional() });
const FAILED = 'Something went wrong on our side; nothing was changed. Please try again.';

/** The task ref of a modal: its JSON metadata, or a bare `T-12` from an older or hand-made view. */
function metaOf(text: string): z.infer<typeof meta> | null {
  try {
    const parsed = meta.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: maybe a bare ref
  }
  return flows.parseTaskRef(text) !== null ? { ref: text.trim() } : null;
}

/** Registers the task buttons and their modals. */
export function registerTaskActions(app: App, rt: SlackRuntime): void {
  for (const which of ['done', 'not_applicable'] as const) {
    const id = which === 'done' ? TASK_ACTIONS.done : TASK_ACTIONS.notApplicable;
    const field = which === 'done' ? 'evidence' : 'reason';

    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, context, respond }) => {
      await ack();
      const target = replyTargetOf(body, respond);
      try {
        const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
        // The button value is whatever the client sent: the task and the clicker's right are checked first.
        const found = await flows.closableTask(ctx, action.value ?? '');
        if ('kind' in found) return await tellPrivately(rt, target, renderNote(found.message));
        await rt.client.views.open({ trigger_id: body.trigger_id, view: taskModal(which, found, { channel: target.channelId, thread: target.threadTs }) });
      } catch (err) {
        rt.logger.error({ err }, 'slack: task button failed');
        await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
      }
    });

    app.view(id, answerInTime(rt, async ({ ack, body, view, context }) => {
      const m = metaOf(view.private_metadata ?? '');
      const text = view.state.values[field]?.[field]?.value ?? '';
      if (!m) return void (await ack({ response_action: 'errors', errors: { [field]: 'This form is damaged; close it and click the button again.' } }));
      let r: flows.TaskCloseResult;
      try {
        const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
        r = which === 'done' ? await flows.completeTask(ctx, m.ref, text) : await flows.markTaskNotApplicable(ctx, m.ref, text);
      } catch (err) {
        rt.logger.error({ err }, 'slack: closing a task failed');
        return void (await ack({ response_action: 'errors', errors: { [field]: FAILED } }));
      }
      // A problem with what was typed is shown next to the input; the modal stays open.
      if (r.kind === 'refused' && r.code === 'invalid') return void (await ack({ response_action: 'errors', errors: { [field]: r.errors?.[0]?.message ?? r.message } }));
      await ack();
      const to = { userId: body.user.id, channelId: m.channel, threadTs: m.thread };
      if (r.kind === 'refused') return tellPrivately(rt, to, renderNote(r.message));
      rt.afterChange();
      const note = r.task.status === 'done' ? `${r.task.ref} is done; the evidence is recorded.` : `${r.task.ref} is marked not applicable; compliance has been told.`;
      await tellPrivately(rt, to, renderNote(note));
    }));
  }
}
