/**
 * Every Teams card builder and every Slack renderer, with hostile text in every user field:
 * nothing of it may act (no live link, bold, mention, entity, date function, user-started list or
 * heading, bidirectional control), and on Teams it shows exactly as typed.
 */
import { describe, expect, it } from 'vitest';
import type {
  ApprovalEscalationPayload,
  ApprovalReminderPayload,
  CheckView,
  DigestItem,
  PendingItem,
  PersonView,
  RequestView,
  ReviewEscalationPayload,
  ReviewReminderPayload,
  StepView,
  SystemView,
  WeeklyDigest,
} from '../../flows';
import { parsePolicy, stripBidi, triagePolicyOf } from '../../flows';
import { classify } from '../../flows/triage/classify';
import { approvalCard } from '../../adapters/teams/approval-card';
import type { CardJson } from '../../adapters/teams/card-kit';
import { messageCard, truncate } from '../../adapters/teams/card-kit';
import { digestCard } from '../../adapters/teams/digest-card';
import { formCard } from '../../adapters/teams/form-cards';
import { approvalEscalationCard, approvalReminderCard, closedReviewCard, reviewEscalationCard, reviewReminderCard } from '../../adapters/teams/job-cards';
import { escapeMarkdown, markdown, Markdown } from '../../adapters/teams/markdown';
import { checkCard, helpCard, listCard, notFoundCard, pendingCard, systemCard } from '../../adapters/teams/render-views';
import { reviewCard } from '../../adapters/teams/review-actions';
import { messageView, registrationView, triageView } from '../../adapters/slack/form-views';
import { esc } from '../../adapters/slack/mrkdwn';
import { renderDigest } from '../../adapters/slack/render-digest';
import { renderHome } from '../../adapters/slack/render-home';
import { renderApprovalEscalation, renderApprovalReminder, renderReviewEscalation, renderReviewReminder } from '../../adapters/slack/render-reminders';
import type { SlackMessage } from '../../adapters/slack/render-request';
import { renderOutcome, renderRequestParent, renderStepReply } from '../../adapters/slack/render-request';
import { renderReviewCard } from '../../adapters/slack/render-review';
import { renderCheck, renderHelp, renderList, renderNote, renderNotFound, renderPending, renderShow, renderSubmitted } from '../../adapters/slack/render-system';
import { snoozeView } from '../../adapters/slack/review-actions';
import { highAnswers } from '../fixtures/answers';
import { cardHazards, cardMarkdown, cardShows, HOSTILE, HOSTILE_TEXT, LONG_LINK, markdownHazards, slackHazards } from '../helpers/hostile-text';

const classification = classify(highAnswers, triagePolicyOf(parsePolicy({})));
const at = new Date('2026-11-02T09:00:00Z');
const PERMALINK = 'https://acme.slack.com/archives/C0APPROVALS/p1';

/** What a user can type: `one` for one-line fields, `many` for purposes and reasons. */
interface Hostile {
  label: string;
  one: string;
  many: string;
}

const VARIANTS: Hostile[] = [
  { label: 'markup', one: HOSTILE, many: HOSTILE_TEXT },
  { label: 'a 3,000-character link', one: LONG_LINK, many: LONG_LINK },
];

function fixtures(h: Hostile) {
  const person = (id: number): PersonView => ({ id, platformId: `teams:user-${id}`, name: h.one, email: h.one });
  const owner = person(1);
  const submitter = person(2);
  const system: SystemView = {
    id: 1,
    ref: 'AI-1',
    name: h.one,
    vendor: h.one,
    url: h.one,
    purpose: h.many,
    owner,
    department: h.one,
    usageStatus: 'in_use',
    status: 'approved',
    riskClass: 'high',
    nextReviewAt: at,
    submittedBy: submitter,
    createdAt: at,
    assessment: { id: 1, version: 1, questionnaireVersion: 1, answers: highAnswers, result: classification, submittedBy: submitter, createdAt: at },
  };
  const step = (id: number, role: string, status: StepView['status'], decided: boolean): StepView => ({
    id,
    position: id,
    role,
    status,
    approvers: ['slack:UCOMP', `email:${h.one}`, `teams:${h.one}`],
    group: role === 'owner' ? null : role,
    decidedBy: decided ? person(3) : null,
    decidedAt: decided ? at : null,
    reason: decided ? h.many : null,
  });
  const steps = [step(11, 'owner', 'pending', false), step(12, 'compliance', 'rejected', true), step(13, 'privacy', 'changes_requested', true)];
  const request = (status: RequestView['status']): RequestView => ({
    id: 7,
    systemId: 1,
    systemRef: 'AI-1',
    systemName: h.one,
    status,
    submittedBy: submitter,
    owner,
    createdAt: at,
    decidedAt: status === 'pending' ? null : at,
    assessmentVersion: 1,
    classification,
    steps: status === 'pending' ? [steps[0]!] : steps,
  });
  const pending = request('pending');
  const rejected = request('rejected');
  const item: DigestItem = { ref: 'AI-1', name: h.one, riskClass: 'high', status: 'approved', department: h.one, owner: h.one };
  const digest: WeeklyDigest = {
    workspaceId: 1,
    organization: h.one,
    timezone: 'UTC',
    periodStart: '2026-10-26T00:00:00.000Z',
    periodEnd: '2026-11-02T00:00:00.000Z',
    periodLabel: '2026-10-26 – 2026-11-01',
    quiet: false,
    counts: { registrations: 1, approvals: 1, rejections: 1, changesRequested: 1, blocked: 1 },
    activity: { registered: [item], approved: [item], rejected: [item], changesRequested: [item], blocked: [item] },
    pendingApprovals: [{ ...item, requestId: 7, ageHours: 50, ageDays: 2, waitingFor: [h.one] }],
    reviewsDueSoon: [{ ...item, dueAt: at.toISOString(), dueInDays: 3 }],
    reviewsOverdue: [{ ...item, dueAt: at.toISOString(), overdueDays: 3 }],
    inventory: { total: 1, byRiskClass: [{ key: h.one, count: 1 }], byDepartment: [{ key: h.one, count: 1 }] },
    hiddenAi: [item],
    highRisk: [item],
    prohibited: [item],
  };
  const reviewReminder: ReviewReminderPayload = { reviewId: 1, systemId: 1, ref: 'AI-1', name: h.one, dueAt: at.toISOString(), overdueDays: 3, dueInDays: 0, reminderNumber: 2, escalated: true, text: h.many };
  const reviewEscalation: ReviewEscalationPayload = { reviewId: 1, systemId: 1, ref: 'AI-1', name: h.one, owner: { id: 1, platformId: 'teams:user-1', name: h.one, email: h.one }, dueAt: at.toISOString(), overdueDays: 3, text: h.many };
  const approvalReminder: ApprovalReminderPayload = { requestId: 7, stepId: 11, role: h.one, ref: 'AI-1', name: h.one, ageHours: 50, reminderNumber: 2, approvers: ['slack:UCOMP', `email:${h.one}`], thread: null, text: h.many };
  const approvalEscalation: ApprovalEscalationPayload = { requestId: 7, stepId: 11, role: h.one, ref: 'AI-1', name: h.one, ageHours: 200, reminders: 3, approvers: ['slack:UCOMP', `email:${h.one}`], thread: null, text: h.many };
  const check: CheckView = { system, verdict: 'approved', conditions: classification.obligations, allowedData: [h.one] };
  const waiting: PendingItem = { request: pending, stepIds: [11] };
  return { system, pending, rejected, steps, digest, reviewReminder, reviewEscalation, approvalReminder, approvalEscalation, check, waiting };
}

function teamsCards(h: Hostile): Array<[string, CardJson]> {
  const f = fixtures(h);
  const formOpts = {
    errors: [{ field: 'name', message: h.one }, { field: h.one, message: h.many }],
    values: { name: h.one, purpose: h.many, url: h.one },
    speaker: { id: 'aad-1', name: h.one },
  };
  return [
    ['help after an unknown command', helpCard(`Unknown command "${h.one}". `)],
    ['message (generic notification, refusal)', messageCard(h.many, { title: h.one, error: true })],
    ['system with a note', systemCard(f.system, f.rejected, `"${h.one}" is already registered as AI-1; nothing new was registered.`)],
    ['check', checkCard(f.check)],
    ['not found', notFoundCard(h.one, [f.system])],
    ['list', listCard([f.system])],
    ['pending', pendingCard([f.waiting])],
    ['approval, shared', approvalCard(f.rejected, { refreshUserIds: ['aad-1'] })],
    ['approval, approver', approvalCard(f.pending, { approver: { step: f.steps[0]!, reason: h.many, reasonError: h.many }, notice: { text: h.many, error: true }, refreshUserIds: ['aad-1'] })],
    ['review', reviewCard(f.system, h.many)],
    ['review reminder', reviewReminderCard(f.system, f.reviewReminder)],
    ['closed review', closedReviewCard(f.system, 'AI-1', 'retired', h.one, at)],
    ['approval reminder', approvalReminderCard(f.approvalReminder, 'https://teams.microsoft.com/l/message/x', [`email:${h.one}`])],
    ['approval escalation', approvalEscalationCard(f.approvalEscalation, null)],
    ['review escalation', reviewEscalationCard(f.reviewEscalation)],
    ['digest', digestCard(f.digest, [{ name: h.one }])],
    ['digest, quiet week', digestCard({ ...f.digest, quiet: true }, [{ name: h.one }])],
    ['digest, counts only', digestCard(f.digest, [{ name: h.one }], 1500)],
    ['registration form page', formCard({ flow: 'register', page: 1, fields: {}, answers: {} }, formOpts)],
    ['resubmit form page with a forged reference', formCard({ flow: 'resubmit', ref: h.one, page: 2, fields: {}, answers: {} }, formOpts)],
  ];
}

/** The policy time zone and a form key of the renders. */
const TZ = 'Europe/Berlin';
const FORM_KEY = 'k'.repeat(22);

function slackRenders(h: Hostile): Array<[string, { text?: unknown; blocks?: unknown }]> {
  const f = fixtures(h);
  const mentions = new Map([['slack:UCOMP', '<@UCOMP>'], [`email:${h.one}`, esc(h.one)]]);
  const messages: Array<[string, SlackMessage | { blocks: unknown }]> = [
    ['help after an unknown command', renderHelp(h.one)],
    ['note', renderNote(h.many)],
    ['check', renderCheck(f.check)],
    ['not found', renderNotFound(h.one, [f.system])],
    ['list', renderList([f.system], TZ)],
    ['show', renderShow(f.system, f.rejected, mentions, TZ)],
    ['pending', renderPending([f.waiting])],
    ['submitted', renderSubmitted('registered', f.system, classification, f.pending, mentions)],
    ['request parent', renderRequestParent(f.rejected, mentions, TZ)],
    ['step reply, open', renderStepReply(f.pending, f.steps[0]!, mentions, TZ)],
    ['step reply, decided', renderStepReply(f.rejected, f.steps[1]!, mentions, TZ)],
    ['outcome', renderOutcome(f.rejected, at, TZ)],
    ['review card', renderReviewCard(f.system, TZ)],
    ['review reminder', renderReviewReminder(f.system, f.reviewReminder, TZ)],
    ['review escalation', renderReviewEscalation(f.reviewEscalation, TZ)],
    ['approval reminder to the channel', renderApprovalReminder(f.approvalReminder, 'channel', mentions, PERMALINK)],
    ['approval reminder to a person', renderApprovalReminder(f.approvalReminder, 'person', mentions, PERMALINK)],
    ['approval escalation', renderApprovalEscalation(f.approvalEscalation, mentions, PERMALINK)],
    ['digest', renderDigest(f.digest)],
    ['digest, quiet week', renderDigest({ ...f.digest, quiet: true })],
    ['home', renderHome({ mine: [f.system], waiting: [f.waiting], due: [f.system], dueWithinDays: 14 }, TZ)],
    ['registration modal', registrationView(FORM_KEY, { name: h.one, purpose: h.many, url: h.one })],
    ['message modal', messageView(h.one, renderNote(h.many))],
    ['snooze modal', snoozeView(h.one, 'C0APPROVALS', '1.2')],
  ];
  messages.push(['re-triage modal with a forged reference', triageView(FORM_KEY, { mode: 'resubmit', answers: {}, ref: h.one }, 2)]);
  return messages;
}

/** The only angle-bracket tokens our Slack renderers may emit: mentions of known people, our permalinks. */
const OURS = /^(<@UCOMP>|<https:\/\/acme\.slack\.com\/[^|<>]*\|[^<>]*>)$/;

describe.each(VARIANTS)('hostile text ($label)', (h) => {
  it.each(teamsCards(h))('Teams: %s shows it as typed and nothing of it acts', (_name, card) => {
    expect(cardHazards(card)).toEqual([]);
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
    // The user text is on the card (so the check above looked at it), and shows as typed.
    expect(cardShows(card, h === VARIANTS[0] ? stripBidi(HOSTILE) : '[x](https://evil.example/aaa')).toBe(true);
  });

  it.each(slackRenders(h))('Slack: %s leaves no live link, mention or bidirectional control', (_name, message) => {
    expect(slackHazards(message, OURS)).toEqual([]);
  });
});

describe('Teams card inputs', () => {
  it('keep user text unescaped in input values and choice titles (they are not markdown)', () => {
    const card = formCard({ flow: 'register', page: 1, fields: {}, answers: {} }, { values: { name: HOSTILE, purpose: HOSTILE_TEXT }, speaker: { id: 'aad-1', name: HOSTILE } });
    const body = card.body as CardJson[];
    expect(body.find((b) => b.id === 'name')?.value).toBe(HOSTILE);
    expect(body.find((b) => b.id === 'purpose')?.value).toBe(HOSTILE_TEXT);
    expect((body.find((b) => b.id === 'owner')?.choices as CardJson[])[0]!.title).toBe(`${HOSTILE} (me)`);
  });
});

describe('escapeMarkdown', () => {
  it('escapes exactly what starts formatting, and leaves ordinary punctuation alone', () => {
    expect(escapeMarkdown('GPT-4 (beta), 50% off: a < b & c; C:\\Users')).toBe('GPT-4 (beta), 50% off: a < b & c; C:\\Users');
    expect(escapeMarkdown('[x](u) **b** _i_ `c` ~s~')).toBe('\\[x\\](u) \\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~s\\~');
    expect(escapeMarkdown('<at>Bob</at> &lt; &amp; &#60; & x')).toBe('\\<at>Bob\\</at> \\&lt; \\&amp; \\&#60; & x');
    expect(escapeMarkdown('a\\*b \\ end\\')).toBe('a\\\\\\*b \\ end\\\\');
    expect(escapeMarkdown('{{DATE(2017-02-14T06:08:00Z)}} {{x}}')).toBe('{\\{DATE(2017-02-14T06:08:00Z)}} {{x}}');
  });

  it('escapes block markers at the start of every line only', () => {
    expect(escapeMarkdown('# h\n - i\n12. o\n3) p\n> q\n+ r\n===\na - b # c')).toBe('\\# h\n \\- i\n12\\. o\n3\\) p\n\\> q\n\\+ r\n\\===\na - b # c');
    expect(escapeMarkdown('- i', { midLine: true })).toBe('- i');
  });

  it('drops bidirectional controls', () => {
    expect(escapeMarkdown('abc\u202Edef\u2066g\u2069')).toBe('abcdefg');
  });
});

describe('markdown for cards', () => {
  it('keeps our formatting and escapes every value, also after a list marker', () => {
    expect(markdown`**${'AI-1'}** ${'**b**'}`.source).toBe('**AI-1** \\*\\*b\\*\\*');
    expect(markdown`- ${'# h'}`.source).toBe('- \\# h');
    expect(markdown`Reason: ${'- x'}`.source).toBe('Reason: - x');
    expect(Markdown.join([markdown`**Because**`, '- x', markdown`- ${'[y]'}`], '\n').source).toBe('**Because**\n\\- x\n- \\[y\\]');
  });

  it('cannot be turned back into a string, so it is never escaped twice', () => {
    const m = markdown`**b**`;
    expect(() => `${m as unknown as string}`).toThrow(TypeError);
  });

  it('a cut never leaves an escaping backslash before the ellipsis', () => {
    const md = escapeMarkdown(`${'a'.repeat(9)}[b`);
    expect(md).toBe(`${'a'.repeat(9)}\\[b`);
    expect(truncate(md, 11)).toBe(`${'a'.repeat(9)}…`);
    expect(markdownHazards(truncate(escapeMarkdown(LONG_LINK), 400))).toEqual([]);
    expect(cardMarkdown(messageCard(LONG_LINK)).every((t) => t.length <= 1500)).toBe(true);
  });
});
