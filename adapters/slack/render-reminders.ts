/**
 * Block Kit for the reminders and escalations of the scheduled jobs: the owner's review card
 * with its reminder note, overdue reviews and stalled approvals for compliance, and approval
 * reminders to a person or to the approvals channel. All user text is escaped.
 */
import type { ApprovalEscalationPayload, ApprovalReminderPayload, ReviewEscalationPayload, ReviewReminderPayload, SystemView } from '../../flows';
import type { Block } from './blocks';
import { context, limitBlocks, section } from './blocks';
import { day, esc, memberLabel, mention } from './mrkdwn';
import { roleLabel } from '../../flows/display';
import type { Mentions, SlackMessage } from './render-request';
import { renderReviewCard } from './render-review';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `3 days` from 48 hours on, else `30 hours`. */
export function ageText(ageHours: number): string {
  return ageHours >= 48 ? plural(Math.floor(ageHours / 24), 'day') : plural(ageHours, 'hour');
}

/** A link in mrkdwn (the URL comes from Slack; the label is ours). */
function link(url: string | null, label: string): string {
  return url ? `<${url.replace(/[<>|]/g, encodeURIComponent)}|${label}>` : label;
}

/** The review card sent as a reminder: the buttons, and how late the review is. */
export function renderReviewReminder(system: SystemView, p: Pick<ReviewReminderPayload, 'overdueDays' | 'dueInDays' | 'reminderNumber' | 'escalated'>, tz: string): SlackMessage {
  const card = renderReviewCard(system, tz, 'open');
  const when = p.overdueDays > 0 ? `:warning: Overdue by ${plural(p.overdueDays, 'day')}.` : p.dueInDays > 0 ? `Due in ${plural(p.dueInDays, 'day')}.` : 'Due today.';
  const notes = [when];
  if (p.escalated) notes.push('Compliance has been told that this review is overdue.');
  if (p.reminderNumber > 1) notes.push(`Reminder ${p.reminderNumber}.`);
  const [head, ...rest] = card.blocks;
  const blocks: Block[] = [head!, context(notes.join(' ')), ...rest];
  const lead = p.overdueDays > 0 ? `Overdue review of ${system.ref} ${esc(system.name)}` : card.text;
  return { text: lead, blocks: limitBlocks(blocks) };
}

/** For the digest channel: a review is overdue; the owner is named. */
export function renderReviewEscalation(p: ReviewEscalationPayload, tz: string): SlackMessage {
  const owner = mention({ platformId: p.owner.platformId, name: p.owner.name });
  const email = p.owner.email && !p.owner.platformId.startsWith('slack:') ? ` (${esc(p.owner.email)})` : '';
  const due = day(new Date(p.dueAt), tz);
  return {
    text: `Overdue review: ${p.ref} ${esc(p.name)}, ${plural(p.overdueDays, 'day')} overdue`,
    blocks: [
      section(`:rotating_light: *Overdue review: ${esc(p.ref)}* ${esc(p.name)}\nWas due on ${due} and is *${plural(p.overdueDays, 'day')} overdue*. Owner: ${owner}${email}.`),
      context('The owner keeps getting the review card until the review is done or snoozed.'),
    ],
  };
}

/** Who decides, as mentions (`email:` members resolved by the directory). */
function who(approvers: string[], mentions: Mentions): string {
  return approvers.map((a) => mentions.get(a) ?? esc(memberLabel(a))).join(', ') || 'nobody (add members to the policy group)';
}

/**
 * An approval reminder: to one approver (a DM) or, for members not known yet, to the approvals
 * channel mentioning them. `permalink` leads to the request's thread.
 */
export function renderApprovalReminder(p: ApprovalReminderPayload, to: 'person' | 'channel', mentions: Mentions, permalink: string | null): SlackMessage {
  const age = ageText(p.ageHours);
  const subject = `the *${esc(roleLabel(p.role))}* approval of *${esc(p.ref)}* ${esc(p.name)}`;
  const lead = to === 'channel' ? `${who(p.approvers, mentions)}: ${subject}` : `Reminder: ${subject}`;
  const where = permalink ? ` in ${link(permalink, 'the request’s thread')}` : ' in the request’s thread in the approvals channel';
  const blocks: Block[] = [
    section(`:hourglass_flowing_sand: ${lead} has been waiting for *${age}*.\nPlease approve, reject or request changes${where}.`),
  ];
  if (p.reminderNumber > 1) blocks.push(context(`Reminder ${p.reminderNumber}.`));
  return { text: `Reminder: ${esc(roleLabel(p.role))} approval of ${esc(p.ref)} ${esc(p.name)} waiting ${age}`, blocks };
}

/** For the digest channel: a step is still pending after the reminders. */
export function renderApprovalEscalation(p: ApprovalEscalationPayload, mentions: Mentions, permalink: string | null): SlackMessage {
  const age = ageText(p.ageHours);
  return {
    text: `Stalled approval: ${esc(roleLabel(p.role))} step of ${esc(p.ref)} ${esc(p.name)}, waiting ${age}`,
    blocks: [
      section(
        `:rotating_light: *Stalled approval: ${esc(p.ref)}* ${esc(p.name)}\n` +
          `The *${esc(roleLabel(p.role))}* step has waited *${age}* despite ${plural(p.reminders, 'reminder')}. Approvers: ${who(p.approvers, mentions)}.`,
      ),
      context(permalink ? link(permalink, 'Open the request’s thread') : 'The request’s thread was not posted in Slack.'),
    ],
  };
}
