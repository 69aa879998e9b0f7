/** The review card of `review <ref>` and its actions: confirm, update the triage, retire, snooze. */
import type { FlowContext, SystemView } from '../../flows';
import * as flows from '../../flows';
import type { Answers } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { adaptiveCard, day, executeAction, heading, messageCard, textBlock } from './card-kit';
import type { FormTurn } from './form-flow';
import { startForm } from './form-flow';
import { firstPage } from './form-cards';
import type { CardAction } from './parse-activity';
import { systemCard } from './render-views';

type ReviewAction = Extract<CardAction, { action: `review.${string}` }>;

/** The review card of a system; `intro` blocks (e.g. a reminder's due date) go on top. */
export function reviewCard(s: SystemView, error?: string, intro: CardJson[] = []): CardJson {
  const card = systemCard(s, null);
  const body = card.body as CardJson[];
  body.unshift(...intro);
  body.push(heading('Review'), textBlock('Is this still accurate? Confirm it, update the answers, retire the tool or snooze the reminders.'));
  if (error) body.push(textBlock(error, { color: 'Attention' }));
  body.push(
    { type: 'Input.Text', id: 'reason', label: 'Reason (for retire or snooze)', isMultiline: true, maxLength: 1000 },
    { type: 'Input.Number', id: 'days', label: `Snooze for days (1–${flows.SNOOZE_MAX_DAYS})`, min: 1, max: flows.SNOOZE_MAX_DAYS },
  );
  return adaptiveCard(body, {
    actions: [
      executeAction('Confirm', { action: 'review.confirm', ref: s.ref }, { style: 'positive', associatedInputs: 'none' }),
      executeAction('Update answers', { action: 'review.update', ref: s.ref }, { associatedInputs: 'none' }),
      executeAction('Retire', { action: 'review.retire', ref: s.ref }, { style: 'destructive' }),
      executeAction('Snooze', { action: 'review.snooze', ref: s.ref }),
    ],
  });
}

/** Handles a review action; returns the card for the person who clicked. */
export async function handleReviewAction(turn: FormTurn, action: ReviewAction): Promise<CardJson> {
  const ctx: FlowContext = turn.ctx;
  const found = await flows.systemByRef(ctx, action.ref);
  if ('kind' in found) return messageCard(found.message, { error: true });
  let r: flows.ReviewResult;
  switch (action.action) {
    case 'review.update': {
      // Only someone who may review it gets the form (the action data is whatever the client sent).
      const allowed = await flows.reviewable(ctx, found.ref, ['approved']);
      if ('kind' in allowed) return reviewCard(found, allowed.message);
      return startForm(turn, { flow: 'retriage', ref: found.ref, page: firstPage('retriage'), fields: {}, answers: {} }, (found.assessment?.answers ?? {}) as Answers);
    }
    case 'review.confirm':
      r = await flows.confirmReview(ctx, action.ref);
      break;
    case 'review.retire':
      r = await flows.retire(ctx, action.ref, action.reason?.trim() || undefined);
      break;
    case 'review.snooze': {
      const days = Number(action.days ?? '');
      if (!Number.isInteger(days) || days < 1 || days > flows.SNOOZE_MAX_DAYS) {
        return reviewCard(found, `Snooze: give a whole number of days from 1 to ${flows.SNOOZE_MAX_DAYS}.`);
      }
      r = await flows.snoozeReview(ctx, action.ref, days, action.reason?.trim() ?? '');
      break;
    }
  }
  // A late click hears what already happened, without buttons to click again.
  if (r.kind === 'refused') return r.code === 'already_decided' ? messageCard(r.message) : reviewCard(found, r.message);
  turn.afterChange();
  switch (r.kind) {
    case 'confirmed':
      return messageCard(`Review recorded; next review of ${r.system.ref} on ${day(r.system.nextReviewAt)}.`);
    case 'retired':
      return messageCard(`${r.system.ref} ${r.system.name} is retired.`);
    case 'snoozed':
      return messageCard(`Review reminders for ${r.system.ref} are paused until ${r.untilLabel}.`);
    default:
      return messageCard(`Review of ${r.system.ref} recorded.`);
  }
}
