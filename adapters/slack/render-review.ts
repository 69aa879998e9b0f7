/**
 * The review card: the message review reminders send, with the four review buttons. Exported
 * for the jobs that post reminders; the adapter handles the buttons and updates stored copies.
 */
import type { SystemView } from '../../flows';
import type { Block } from './blocks';
import { button, context, limitBlocks, section } from './blocks';
import { day, esc, mention } from './mrkdwn';
import { SYSTEM_STATUS_LABEL } from '../../flows/display';
import type { SlackMessage } from './render-request';
import { classLabel } from './render-request';

/** Action ids of the review buttons; each button's value is the system reference. */
export const REVIEW_ACTIONS = {
  confirm: 'review.confirm',
  update: 'review.update',
  retire: 'review.retire',
  snooze: 'review.snooze',
} as const;

/** What happened to the review, when it is no longer open. */
export type ReviewCardState = 'open' | 'confirmed' | 'retriaged' | 'retired' | 'snoozed' | 'superseded' | (string & {});

/** What happened to a review that is no longer open, as people read it. */
const REVIEW_DONE: Record<string, string> = {
  confirmed: 'the review was confirmed',
  retriaged: 'the answers were updated and a new approval started',
  retired: 'the tool was retired',
  snoozed: 'the review reminders are paused',
  superseded: 'a newer review replaced this one',
};

/** Renders the review card of a system (dates in the policy's time zone `tz`); buttons only while the review is open. */
export function renderReviewCard(system: SystemView, tz: string, state: ReviewCardState = 'open'): SlackMessage {
  const due = system.nextReviewAt;
  const lines = [
    `:calendar: *Review of ${system.ref}* ${esc(system.name)} — due ${day(due, tz)}`,
    `Class: ${classLabel(system.riskClass)} · status ${SYSTEM_STATUS_LABEL[system.status]} · owner ${mention(system.owner)}`,
    'Is the registration still accurate? Confirm it, update the answers, retire the tool, or snooze the reminder.',
  ];
  const blocks: Block[] = [section(lines.join('\n'))];
  if (state === 'open' && system.status === 'approved') {
    const ref = system.ref;
    blocks.push({
      type: 'actions',
      block_id: `review.${ref}`,
      elements: [
        button('Still accurate', REVIEW_ACTIONS.confirm, ref, 'primary'),
        button('Update answers', REVIEW_ACTIONS.update, ref),
        button('Retire', REVIEW_ACTIONS.retire, ref, 'danger', {
          title: `Retire ${ref}?`,
          text: `${esc(system.name)} will no longer be approved for use.`,
          ok: 'Retire',
        }),
        button('Snooze', REVIEW_ACTIONS.snooze, ref),
      ],
    });
  } else {
    const what = state === 'open' ? `the tool is ${SYSTEM_STATUS_LABEL[system.status]}` : (REVIEW_DONE[state] ?? 'the review is closed');
    blocks.push(context(`Done: ${what}. Next review ${day(system.nextReviewAt, tz)}.`));
  }
  return { text: `Review of ${system.ref} ${esc(system.name)} due ${day(due, tz)}`, blocks: limitBlocks(blocks) };
}
