/**
 * Cards of the scheduled jobs' notifications: the owner's review reminder (the review card with
 * its four actions), the card it becomes once the review is closed, approval reminders with a
 * way back to the request, and the escalations compliance sees in the digest channel.
 */
import type { ApprovalEscalationPayload, ApprovalReminderPayload, ReviewEscalationPayload, ReviewReminderPayload, SystemView, ThreadRef } from '../../flows';
import type { CardJson } from './card-kit';
import { adaptiveCard, day, executeAction, facts, heading, markdown, textBlock, words } from './card-kit';
import { reviewCard } from './review-actions';
import { roleLabel } from '../../flows/display';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Hours as "N hours" below two days, else "N days". */
export function age(hours: number): string {
  return hours >= 48 ? plural(Math.floor(hours / 24), 'day') : plural(hours, 'hour');
}

/** A member id as people read it: without the `teams:` / `email:` prefix. */
export function memberLabel(member: string): string {
  return member.replace(/^(teams|slack|shell|email):/, '');
}

/**
 * Policy members as people read them: the names in `names` (by member id), emails as written, the
 * other Teams members (AAD object ids, which mean nothing to a reader) counted.
 */
export function membersText(members: string[], names: Record<string, string> = {}): string {
  const shown = members.filter((m) => !!names[m] || !m.startsWith('teams:')).map((m) => names[m] ?? memberLabel(m));
  const teams = members.length - shown.length;
  if (teams > 0) shown.push(`${teams} Teams ${teams === 1 ? 'member' : 'members'} of the group`);
  return shown.join(', ');
}

/**
 * The owner's review reminder: when it is due, whether compliance was told, and the review card;
 * dates in the time zone `tz` (the policy's).
 */
export function reviewReminderCard(
  s: SystemView,
  p: Pick<ReviewReminderPayload, 'dueAt' | 'overdueDays' | 'dueInDays' | 'reminderNumber' | 'escalated'>,
  tz = 'UTC',
): CardJson {
  const due = day(new Date(p.dueAt), tz);
  const when =
    p.overdueDays > 0
      ? `⏰ The review of ${s.ref} was due on ${due} and is ${plural(p.overdueDays, 'day')} overdue.`
      : p.dueInDays > 0
        ? `⏰ The review of ${s.ref} is due on ${due} (in ${plural(p.dueInDays, 'day')}).`
        : `⏰ The review of ${s.ref} is due today (${due}).`;
  const intro = [textBlock(`${when}${p.reminderNumber > 1 ? ` Reminder ${p.reminderNumber}.` : ''}`, { weight: 'Bolder', color: p.overdueDays > 0 ? 'Attention' : 'Default' })];
  if (p.escalated) intro.push(textBlock('Compliance has been told that this review is overdue.', { color: 'Attention' }));
  return reviewCard(s, undefined, intro, tz);
}

/** What a review card becomes once the review is closed (no more buttons); dates in `tz`. */
export function closedReviewCard(s: SystemView | null, ref: string, status: string, decidedBy: string | null, decidedAt: Date | null, tz = 'UTC'): CardJson {
  const by = decidedBy ? ` by ${decidedBy}${decidedAt ? ` on ${day(decidedAt, tz)}` : ''}` : '';
  const body: CardJson[] = [heading(`Review of ${ref}${s ? ` ${s.name}` : ''}: ${words(status)}${by}`)];
  if (s && s.status !== 'retired') body.push(textBlock(`Next review: ${day(s.nextReviewAt, tz)}.`));
  if (s?.status === 'retired') body.push(textBlock(`${s.ref} is retired and no longer approved for use.`));
  return adaptiveCard(body);
}

/** A deep link to a message of a request's thread in Teams, or null when it is elsewhere. */
export function threadLink(thread: ThreadRef | null, tenantId: string): string | null {
  if (!thread || thread.platform !== 'teams') return null;
  const conversation = encodeURIComponent(thread.conversationId);
  const parent = thread.threadId ?? thread.messageId;
  return `https://teams.microsoft.com/l/message/${conversation}/${encodeURIComponent(thread.messageId)}?tenantId=${encodeURIComponent(tenantId)}&parentMessageId=${encodeURIComponent(parent)}`;
}

function requestActions(requestId: number, link: string | null): CardJson[] {
  const actions: CardJson[] = [executeAction('Open the request', { action: 'approval.open', requestId }, { style: 'positive' })];
  if (link) actions.push({ type: 'Action.OpenUrl', title: 'Go to the approval thread', url: link });
  return actions;
}

/**
 * An approval reminder. "Open the request" shows the approval card with the buttons of the
 * person who clicks; `unknownEmails` are members the bot cannot mention (not seen yet).
 */
export function approvalReminderCard(p: ApprovalReminderPayload, link: string | null, unknownEmails: string[] = []): CardJson {
  const body: CardJson[] = [
    heading(`Reminder: ${p.ref} ${p.name} waits for a decision`),
    textBlock(markdown`The **${roleLabel(p.role)}** approval has been waiting for ${age(p.ageHours)}. Approve, reject or request changes.${p.reminderNumber > 1 ? ` (reminder ${p.reminderNumber})` : ''}`),
  ];
  if (unknownEmails.length > 0) {
    body.push(textBlock(`Also for: ${unknownEmails.map(memberLabel).join(', ')} — they have not used aimsbot in Teams yet.`, { isSubtle: true }));
  }
  return adaptiveCard(body, { actions: requestActions(p.requestId, link) });
}

/** A stalled approval, told to the digest channel. */
export function approvalEscalationCard(p: ApprovalEscalationPayload, link: string | null, names: Record<string, string> = {}): CardJson {
  return adaptiveCard(
    [
      heading(`Stalled approval: ${p.ref} ${p.name}`),
      textBlock(markdown`The **${roleLabel(p.role)}** step has waited ${age(p.ageHours)} despite ${plural(p.reminders, 'reminder')}.`, { color: 'Attention' }),
      facts([['Approvers', membersText(p.approvers, names) || 'none configured: add the group to the policy']]),
    ],
    { actions: requestActions(p.requestId, link) },
  );
}

/** An overdue review, told to the digest channel; dates in `tz`. */
export function reviewEscalationCard(p: ReviewEscalationPayload, tz = 'UTC'): CardJson {
  const due = day(new Date(p.dueAt), tz);
  return adaptiveCard(
    [
      heading(`Overdue review: ${p.ref} ${p.name}`),
      textBlock(`It was due on ${due} and is ${plural(p.overdueDays, 'day')} overdue. The owner keeps getting reminders, which now say compliance has been told.`, { color: 'Attention' }),
      facts([
        ['Owner', p.owner.email ? `${p.owner.name} (${p.owner.email})` : p.owner.name],
        ['Due', due],
      ]),
    ],
    { actions: [executeAction('Show the system', { action: 'show', ref: p.ref })] },
  );
}
