/** Bolt wiring of the registration / triage modals, their Back button, and the "answer again" button. */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import * as flows from '../../flows';
import type { ViewState } from './form-blocks';
import type { FormMissing, FormStore, StoredForm } from './form-store';
import { FormChanged } from './form-store';
import { FORM_BACK_ACTION, FORM_CALLBACK, messageView, parseFormMeta } from './form-views';
import type { PageOutcome } from './form-flow';
import { backView, reanswerView, submitPage } from './form-flow';
import { RESUBMIT_ACTION } from './render-request';
import { renderNote } from './render-system';
import { replyTargetOf } from './approval-actions';
import type { SlackRuntime } from './runtime';
import { slackContext, tellPrivately } from './runtime';
import type { ViewAnswer } from './view-deadline';
import { answerInTime, lateView, VIEW_ANSWER_MS } from './view-deadline';

/** What the person reads when a form cannot be continued. */
function missingText(why: FormMissing['missing'] | 'damaged'): string {
  switch (why) {
    case 'expired':
      return 'This form expired: answers are kept for 24 hours after the last page. Nothing was registered; start again with /aims register.';
    case 'not_yours':
      return 'This form belongs to someone else; nothing was changed. Start your own with /aims register.';
    default:
      return 'This form is no longer known (it may be from an older version of aimsbot). Nothing was registered; start again with /aims register.';
  }
}

/** How long a form page may take before the modal says it is still working (Slack allows 3 s). */
export { VIEW_ANSWER_MS };

const WORKING_TEXT = 'This is taking longer than usual. Your answers are saved; this window shows the result as soon as it is ready, and a registration is also confirmed by direct message.';

/**
 * What a late outcome shows in the modal, which says "working on it" by then: the next page or
 * the result as it is; field errors, which Slack shows only in an answer, as a sentence.
 */
function lateFormView(response: ViewAnswer): types.ModalView {
  if (response?.response_action === 'errors') {
    const problems = Object.values(response.errors).join(' ');
    return messageView('Not saved', renderNote(`Some answers need another look: ${problems} Nothing was registered; start again with /aims register.`));
  }
  return lateView(response);
}

/** The stored form a view shows, or the sentence explaining why there is none. */
async function formOf(store: FormStore, metadata: string | null | undefined, userId: string, fresh = false): Promise<{ form: StoredForm; page: number } | { text: string }> {
  const meta = parseFormMeta(metadata);
  if (!meta) return { text: missingText('damaged') };
  const form = await store.load(meta.k, userId, fresh);
  if ('missing' in form) return { text: missingText(form.missing) };
  return { form, page: meta.p };
}

/** Registers the form submission handler, the Back button and the resubmit button. */
export function registerForms(app: App, rt: SlackRuntime): void {
  const store = rt.forms;
  // Slack waits 3 seconds for the answer (Bolt answers 404 after that, and the person sees an
  // error while the work goes on). A page that takes longer — a registration queued behind
  // others — is answered with "working on it" at VIEW_ANSWER_MS, and the modal is updated with
  // the outcome when it comes (view-deadline.ts).
  const inTime = { workingText: WORKING_TEXT, late: lateFormView };
  app.view(FORM_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    let outcome;
    try {
      let ctx: flows.FlowContext | undefined;
      const once = async (fresh: boolean): Promise<PageOutcome | { text: string }> => {
        const found = await formOf(store, view.private_metadata, body.user.id, fresh);
        if ('text' in found) return found;
        ctx ??= await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
        return submitPage(rt, ctx, store, found.form, found.page, view.state.values as ViewState);
      };
      // Answers remembered here that changed meanwhile: the page is answered again from what is stored.
      const got = await once(false).catch((err: unknown) => (err instanceof FormChanged ? once(true) : Promise.reject(err)));
      if ('text' in got) return void (await ack({ response_action: 'update', view: messageView('Form expired', renderNote(got.text)) }));
      outcome = got;
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
  }, inTime));

  app.action<BlockAction<ButtonAction>>(FORM_BACK_ACTION, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const swap = (v: Parameters<typeof rt.client.views.update>[0] & object) => rt.client.views.update(v);
    try {
      let ctx: flows.FlowContext | undefined;
      const once = async (fresh: boolean) => {
        const found = await formOf(store, view.private_metadata, body.user.id, fresh);
        if ('text' in found) return found;
        ctx ??= await slackContext(rt, body.team?.id, body.user.id);
        return { prev: await backView(ctx, store, found.form, found.page, (view.state?.values ?? {}) as ViewState) };
      };
      const got = await once(false).catch((err: unknown) => (err instanceof FormChanged ? once(true) : Promise.reject(err)));
      if ('text' in got) {
        await swap({ view_id: view.id, view: messageView('Form expired', renderNote(got.text)) });
        return;
      }
      const { prev } = got;
      // The hash makes Slack refuse the update when the view changed meanwhile (a Next already went through).
      if (prev) await swap({ view_id: view.id, hash: view.hash, view: prev });
    } catch (err) {
      rt.logger.error({ err }, 'slack: form back failed');
    }
  });

  app.action<BlockAction<ButtonAction>>(RESUBMIT_ACTION, async ({ ack, body, action, context, respond }) => {
    await ack();
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      // The button value is whatever the client sent: check the system and the clicker first.
      const found = await flows.resubmittable(ctx, action.value ?? '');
      if ('kind' in found) return void (await tellPrivately(rt, replyTargetOf(body, respond), renderNote(found.message)));
      const view = await reanswerView(ctx, store, context.teamId ?? body.team?.id ?? 'unknown', body.user.id, 'resubmit', found.ref);
      await rt.client.views.open({ trigger_id: body.trigger_id, view });
    } catch (err) {
      rt.logger.error({ err }, 'slack: resubmit failed');
      await tellPrivately(rt, replyTargetOf(body, respond), renderNote('The form could not be opened; try /aims resubmit <ref>.')).catch(() => {});
    }
  });
}
