/**
 * Review card buttons: confirm, update (the triage modal prefilled, then re-triage), retire,
 * and snooze (a modal asking for days and a reason). Stored card copies are updated by the
 * `review.updated` notification; an ephemeral card is replaced through its response URL.
 */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import { z } from 'zod';
import type { ReviewResult } from '../../flows';
import * as flows from '../../flows';
import { LIMITS, plain, section } from './blocks';
import { reanswerView } from './form-flow';
import { day, esc } from './mrkdwn';
import { replyTargetOf } from './approval-actions';
import { REVIEW_ACTIONS, renderReviewCard } from './render-review';
import type { SlackMessage } from './render-request';
import { renderNote } from './render-system';
import type { SlackRuntime } from './runtime';
import { slackContext, tellPrivately } from './runtime';
import { answerInTime } from './view-deadline';

/** Callback id of the snooze modal (inputs `days` and `reason`). */
export const SNOOZE_CALLBACK = 'review.snooze';

const snoozeMeta = z.object({ ref: z.string().max(20), channel: z.string().optional(), thread: z.string().optional() });

/** The snooze modal of a system (`ref` as resolved by flows). */
export function snoozeView(ref: string, channel: string | undefined, thread: string | undefined): types.ModalView {
  return {
    type: 'modal',
    callback_id: SNOOZE_CALLBACK,
    title: plain(`Snooze ${ref}`, LIMITS.modalTitle),
    submit: plain('Snooze', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ ref, channel, thread }),
    blocks: [
      section(`Pause the review reminders of ${esc(ref)} for up to ${flows.SNOOZE_MAX_DAYS} days.`),
      {
        type: 'input',
        block_id: 'days',
        label: plain('Days', LIMITS.label),
        element: { type: 'number_input', action_id: 'days', is_decimal_allowed: false, min_value: '1', max_value: String(flows.SNOOZE_MAX_DAYS) },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason', LIMITS.label),
        element: { type: 'plain_text_input', action_id: 'reason', max_length: 500 },
      },
    ],
  };
}

/** What went wrong with the number of days, or null when it is 1 to SNOOZE_MAX_DAYS whole days. */
export function snoozeDaysProblem(text: string): string | null {
  // The rule is the flows'; this only words it next to the Slack input.
  const problem = flows.snoozeDaysProblem(text);
  if (problem === null) return null;
  const t = text.trim();
  const max = flows.SNOOZE_MAX_DAYS;
  if (!t) return `Enter how many days to pause the reminders, from 1 to ${max}.`;
  if (!/^-?\d+$/.test(t)) return `“${t.slice(0, 20)}” is not a whole number of days; enter 1 to ${max}.`;
  const n = Number(t);
  if (n < 1) return `Snooze for at least 1 day (1 to ${max}).`;
  if (n > max) return `${n} days is too long: reminders can be paused for at most ${max} days.`;
  return problem;
}

function resultNote(r: Exclude<ReviewResult, { kind: 'refused' }>, tz: string): string {
  switch (r.kind) {
    case 'confirmed':
      return `Review recorded; the next review of ${r.system.ref} is on ${day(r.system.nextReviewAt, tz)}.`;
    case 'retired':
      return `${r.system.ref} is retired.`;
    case 'snoozed':
      return `Review reminders for ${r.system.ref} are paused until ${day(r.until, tz)}.`;
    case 'retriaged':
      return r.request ? `The class or approvers of ${r.system.ref} changed: a new approval started.` : `Review of ${r.system.ref} recorded.`;
  }
}

/** Answers a review action: replaces an ephemeral card, else tells the person privately. */
async function answer(rt: SlackRuntime, body: BlockAction, respond: Parameters<typeof replyTargetOf>[1], r: ReviewResult): Promise<void> {
  const target = replyTargetOf(body, respond);
  if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
  rt.afterChange();
  const tz = rt.deps.policy.organization.timezone;
  const note = renderNote(resultNote(r, tz));
  const ephemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
  if (ephemeral && respond) {
    const card: SlackMessage = renderReviewCard(r.system, tz, r.kind);
    await respond({ response_type: 'ephemeral', replace_original: true, text: note.text, blocks: [...card.blocks, ...note.blocks] });
    return;
  }
  await tellPrivately(rt, target, note);
}

/** Parsed JSON, or null for text that is not JSON (a damaged or foreign `private_metadata`). */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Registers the review buttons and the snooze modal. */
export function registerReviewActions(app: App, rt: SlackRuntime): void {
  const on = (actionId: string, run: (ctx: flows.FlowContext, ref: string, body: BlockAction) => Promise<ReviewResult | null>) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, context, respond }) => {
      await ack();
      try {
        const ctx = await slackContext(rt, context.teamId, body.user.id);
        const r = await run(ctx, action.value ?? '', body);
        if (r) await answer(rt, body, respond, r);
      } catch (err) {
        rt.logger.error({ err }, 'slack: review action failed');
        await tellPrivately(rt, replyTargetOf(body, respond), renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
      }
    });

  on(REVIEW_ACTIONS.confirm, (ctx, ref) => flows.confirmReview(ctx, ref));
  on(REVIEW_ACTIONS.retire, (ctx, ref) => flows.retire(ctx, ref, 'retired at review'));
  // The button value is whatever the client sent: the system and the clicker's right to review
  // it are checked before any modal opens; a refusal is told privately.
  on(REVIEW_ACTIONS.update, async (ctx, ref, body) => {
    const system = await flows.reviewable(ctx, ref, ['approved']);
    if ('kind' in system) return system;
    const view = await reanswerView(ctx, rt.forms, body.team?.id ?? 'unknown', body.user.id, 'retriage', system.ref);
    await rt.client.views.open({ trigger_id: body.trigger_id, view });
    return null;
  });
  on(REVIEW_ACTIONS.snooze, async (ctx, ref, body) => {
    const system = await flows.reviewable(ctx, ref, ['approved']);
    if ('kind' in system) return system;
    const t = replyTargetOf(body);
    await rt.client.views.open({ trigger_id: body.trigger_id, view: snoozeView(system.ref, t.channelId, t.threadTs) });
    return null;
  });

  app.view(SNOOZE_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = snoozeMeta.safeParse(jsonOrNull(view.private_metadata));
    const daysText = view.state.values.days?.days?.value ?? '';
    const reason = view.state.values.reason?.reason?.value?.trim() ?? '';
    const errors: Record<string, string> = {};
    // Each answer is checked as given, next to its input.
    const daysProblem = snoozeDaysProblem(daysText);
    if (daysProblem) errors.days = daysProblem;
    if (!reason) errors.reason = 'Say why the review is postponed.';
    if (!meta.success) errors.reason = 'This form is damaged; close it and click Snooze again.';
    if (Object.keys(errors).length || !meta.success) return void (await ack({ response_action: 'errors', errors }));
    let r: ReviewResult;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.snoozeReview(ctx, meta.data.ref, daysText, reason);
    } catch (err) {
      rt.logger.error({ err }, 'slack: snooze failed');
      return void (await ack({ response_action: 'errors', errors: { reason: 'Something went wrong on our side; nothing was changed. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid') {
      const keyed: Record<string, string> = {};
      for (const e of r.errors ?? []) keyed[e.field === 'reason' ? 'reason' : 'days'] = e.message;
      return void (await ack({ response_action: 'errors', errors: Object.keys(keyed).length ? keyed : { days: r.message } }));
    }
    await ack();
    const target = { userId: body.user.id, channelId: meta.data.channel, threadTs: meta.data.thread };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    rt.afterChange();
    await tellPrivately(rt, target, renderNote(resultNote(r, rt.deps.policy.organization.timezone)));
  }));
}
