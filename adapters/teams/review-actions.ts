/**
 * The review card of `review <ref>` and its actions: confirm, update the triage, retire, snooze.
 * Rights and state are checked before the card is shown, so nobody fills in what cannot succeed;
 * each answer is checked on submit with a message about that answer.
 */
import type { FlowContext, SystemView } from '../../flows';
import * as flows from '../../flows';
import { SYSTEM_STATUS_LABEL, timezoneOf } from '../../flows/display';
import type { Answers } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { adaptiveCard, day, executeAction, heading, messageCard, textBlock } from './card-kit';
import type { FormTurn } from './form-flow';
import { startForm } from './form-flow';
import { firstPage } from './form-cards';
import type { CardAction } from './parse-activity';
import { systemCard } from './render-views';

type ReviewAction = Extract<CardAction, { action: `review.${string}` }>;

/** Longest retire or snooze reason, in characters. */
const REASON_MAX = 1000;

/** What the review card offers: everything (an approved tool), or retiring only. */
export type ReviewCardMode = 'full' | 'retire-only';

/**
 * The review card of a system; `intro` blocks (e.g. a reminder's due date) go on top. An approved
 * tool gets all four actions; any other tool that is not retired can only be retired.
 */
export function reviewCard(s: SystemView, error?: string, intro: CardJson[] = [], tz = 'UTC', mode: ReviewCardMode = 'full'): CardJson {
  const card = systemCard(s, null, undefined, tz);
  const body = card.body as CardJson[];
  body.unshift(...intro);
  const full = mode === 'full';
  body.push(
    heading(full ? 'Review' : 'Retire'),
    textBlock(
      full
        ? 'Is this still accurate? Confirm it, update the answers, retire the tool or snooze the reminders.'
        : `${s.ref} is ${SYSTEM_STATUS_LABEL[s.status]}: only an approved tool has a review to confirm, update or snooze. You can retire it if it is no longer used.`,
    ),
  );
  if (error) body.push(textBlock(error, { color: 'Attention' }));
  body.push({ type: 'Input.Text', id: 'reason', label: full ? 'Reason (for retire or snooze)' : 'Reason (optional)', isMultiline: true, maxLength: REASON_MAX });
  if (full) {
    body.push({
      type: 'Input.Number',
      id: 'days',
      label: `Snooze for days (1–${flows.SNOOZE_MAX_DAYS})`,
      min: 1,
      max: flows.SNOOZE_MAX_DAYS,
      errorMessage: `Give a whole number of days from 1 to ${flows.SNOOZE_MAX_DAYS}.`,
    });
  }
  const retire = executeAction('Retire', { action: 'review.retire', ref: s.ref }, { style: 'destructive' });
  return adaptiveCard(body, {
    actions: full
      ? [
          executeAction('Confirm', { action: 'review.confirm', ref: s.ref }, { style: 'positive', associatedInputs: 'none' }),
          executeAction('Update answers', { action: 'review.update', ref: s.ref }, { associatedInputs: 'none' }),
          retire,
          executeAction('Snooze', { action: 'review.snooze', ref: s.ref }),
        ]
      : [retire],
  });
}

/**
 * The answer to `review <ref>`: the review card for the owner or compliance when the tool can be
 * reviewed, a retire-only card when it is not approved, else the refusal — before any question.
 */
export async function startReview(ctx: FlowContext, ref: string): Promise<CardJson> {
  const tz = timezoneOf(ctx.deps.policy);
  const found = await flows.reviewable(ctx, ref);
  if ('kind' in found) return messageCard(found.message, { error: true });
  if (found.status === 'approved') return reviewCard(found, undefined, [], tz);
  if (found.status !== 'retired') return reviewCard(found, undefined, [], tz, 'retire-only');
  const refused = await flows.reviewable(ctx, ref, ['approved']);
  return messageCard('kind' in refused ? refused.message : `${found.ref} is retired.`, { error: true });
}

/** Why snooze answers cannot be recorded, or null when they can. */
export function snoozeProblem(daysText: string | undefined, reason: string): string | null {
  const text = (daysText ?? '').trim();
  if (text === '') return `Snooze: give the number of days, from 1 to ${flows.SNOOZE_MAX_DAYS}.`;
  // The rule is the flows'; the card says it in one sentence.
  if (flows.snoozeDaysProblem(text) !== null) {
    return `Snooze: "${text.slice(0, 20)}" is not a whole number of days from 1 to ${flows.SNOOZE_MAX_DAYS}.`;
  }
  if (!reason) return 'Snooze: say why the review is postponed (the reason).';
  return null;
}

/** A refusal as one sentence: field errors by field, else the message. */
function refusalText(r: flows.Refusal): string {
  if (r.code === 'invalid' && r.errors?.length) return r.errors.map((e) => `${e.field === 'days' ? 'Days' : e.field === 'reason' ? 'Reason' : e.field}: ${e.message}`).join(' ');
  return r.message;
}

/** Handles a review action; returns the card for the person who clicked. */
export async function handleReviewAction(turn: FormTurn, action: ReviewAction): Promise<CardJson> {
  const ctx: FlowContext = turn.ctx;
  const tz = timezoneOf(ctx.deps.policy);
  // Only the owner or compliance hear more than the refusal (the action data is whatever the client sent).
  const found = await flows.reviewable(ctx, action.ref);
  if ('kind' in found) return messageCard(found.message, { error: true });
  const mode: ReviewCardMode = found.status === 'approved' ? 'full' : 'retire-only';
  const again = (error: string) => reviewCard(found, error, [], tz, mode);
  const reason = action.reason?.trim() ?? '';
  if (reason.length > REASON_MAX) return again(`Reason: ${reason.length} characters; at most ${REASON_MAX}.`);
  let r: flows.ReviewResult;
  switch (action.action) {
    case 'review.update': {
      const allowed = await flows.reviewable(ctx, found.ref, ['approved']);
      if ('kind' in allowed) return again(allowed.message);
      return startForm(turn, { flow: 'retriage', ref: found.ref, page: firstPage('retriage'), fields: {}, answers: {} }, (found.assessment?.answers ?? {}) as Answers);
    }
    case 'review.confirm':
      r = await flows.confirmReview(ctx, action.ref);
      break;
    case 'review.retire':
      r = await flows.retire(ctx, action.ref, reason || undefined);
      break;
    case 'review.snooze': {
      const problem = snoozeProblem(action.days, reason);
      if (problem) return again(problem);
      r = await flows.snoozeReview(ctx, action.ref, action.days ?? '', reason);
      break;
    }
  }
  // A late click hears what already happened, without buttons to click again.
  if (r.kind === 'refused') return r.code === 'already_decided' ? messageCard(r.message) : again(refusalText(r));
  turn.afterChange();
  switch (r.kind) {
    case 'confirmed':
      return messageCard(`Review recorded; next review of ${r.system.ref} on ${day(r.system.nextReviewAt, tz)}.`);
    case 'retired':
      return messageCard(`${r.system.ref} ${r.system.name} is retired.`);
    case 'snoozed':
      return messageCard(`Review reminders for ${r.system.ref} are paused until ${day(r.until, tz)}.`);
    default:
      return messageCard(`Review of ${r.system.ref} recorded.`);
  }
}
