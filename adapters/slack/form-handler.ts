/** Bolt wiring of the registration / triage modals and the "answer again" button. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import * as flows from '../../flows';
import { FORM_CALLBACK, messageView, parseFormState } from './form-views';
import { reanswerView, submitPage } from './form-flow';
import { RESUBMIT_ACTION } from './render-request';
import { renderNote } from './render-system';
import { replyTargetOf } from './approval-actions';
import type { SlackRuntime } from './runtime';
import { slackContext, tellPrivately } from './runtime';

/** Registers the form submission handler and the resubmit button. */
export function registerForms(app: App, rt: SlackRuntime): void {
  app.view(FORM_CALLBACK, async ({ ack, body, view, context }) => {
    const state = parseFormState(view.private_metadata);
    if (!state) {
      await ack({ response_action: 'update', view: messageView('Form expired', renderNote('This form is damaged or from an older version; start again with /aims register.')) });
      return;
    }
    let outcome;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      outcome = await submitPage(rt, ctx, state, view.state.values);
    } catch (err) {
      // The person sees a sentence, the log the stack; nothing half-done was stored (flows use transactions).
      rt.logger.error({ err }, 'slack: form page failed');
      await ack({ response_action: 'update', view: messageView('Not saved', renderNote('Something went wrong on our side; nothing was registered. Please try again.')) });
      return;
    }
    await ack(outcome.response);
    if (outcome.changed) rt.afterChange();
    if (outcome.summary) {
      await tellPrivately(rt, { userId: body.user.id }, outcome.summary).catch((err: unknown) => rt.logger.warn({ err }, 'slack: summary message failed'));
    }
  });

  app.action<BlockAction<ButtonAction>>(RESUBMIT_ACTION, async ({ ack, body, action, context, respond }) => {
    await ack();
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      // The button value is whatever the client sent: check the system and the clicker first.
      const found = await flows.resubmittable(ctx, action.value ?? '');
      if ('kind' in found) return void (await tellPrivately(rt, replyTargetOf(body, respond), renderNote(found.message)));
      await rt.client.views.open({ trigger_id: body.trigger_id, view: await reanswerView(ctx, 'resubmit', found.ref) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: resubmit failed');
      await tellPrivately(rt, replyTargetOf(body, respond), renderNote('The form could not be opened; try /aims resubmit <ref>.')).catch(() => {});
    }
  });
}
