/**
 * The approval card. Everyone sees the request and the status of every step; the approvers
 * (listed in `refresh.userIds`) get a personal version with the buttons of the step they may
 * decide, through the Universal Actions refresh. Actions carry
 * `{action: 'approval.approve' | 'approval.reject' | 'approval.request_changes', stepId, requestId}`;
 * reject and request-changes read the `reason` input.
 */
import type { RequestView, StepView } from '../../flows';
import type { CardJson } from './card-kit';
import { adaptiveCard, errorText, executeAction, facts, heading, markdown, textBlock } from './card-kit';
import { REQUEST_STATUS_LABEL, roleLabel, STEP_STATUS_LABEL } from '../../flows/display';
import { classificationBlocks, stepLine } from './render-views';

/** Teams refreshes a card automatically for at most this many users. */
export const REFRESH_USERS_MAX = 60;

/** What the viewing approver gets in addition to the shared card. */
export interface ApproverView {
  /** The step whose buttons are shown. */
  step: StepView;
  /** The reason typed so far (kept when the card is shown again with an error). */
  reason?: string;
  /** An error next to the reason field. */
  reasonError?: string;
}

/** Options of `approvalCard`. */
export interface ApprovalCardOptions {
  /** User MRIs (`29:…`) whose clients refresh the card to get their buttons (see people.ts). */
  refreshUserIds?: string[];
  /** The time zone dates are shown in (the policy's); default UTC. */
  tz?: string;
  /** Names of approvers by member id (people.ts `approverNames`); others are counted, not shown. */
  approverNames?: Record<string, string>;
  approver?: ApproverView;
  /** A line shown at the top (e.g. "not yours to decide", "already decided"). */
  notice?: { text: string; error?: boolean };
}

const STATUS_ICON: Record<string, string> = {
  pending: '⏳',
  approved: '✅',
  rejected: '❌',
  changes_requested: '✏️',
  cancelled: '—',
  blocked: '⛔',
  superseded: '—',
};

/**
 * Who may decide a step, as people read it: names the bot knows, emails as written in the policy,
 * and a count for Teams members it has not met yet (never their AAD object ids).
 */
function approverLabel(s: StepView, names: Record<string, string>): string {
  if (s.approvers.length === 0) return 'nobody yet: add this group to the policy';
  const shown: string[] = [];
  let unseen = 0;
  for (const a of s.approvers) {
    const name = names[a] ?? names[a.toLowerCase()];
    if (name) shown.push(name);
    else if (a.startsWith('email:')) shown.push(a.slice('email:'.length));
    else unseen++;
  }
  if (unseen > 0) shown.push(`${unseen} ${shown.length > 0 ? 'more ' : ''}${unseen === 1 ? 'person' : 'people'} not yet seen by aimsbot`);
  return shown.join(', ');
}

/** The approval card for a request, from its current state. */
export function approvalCard(r: RequestView, opts: ApprovalCardOptions = {}): CardJson {
  const body: CardJson[] = [];
  if (opts.notice) body.push(textBlock(opts.notice.text, { color: opts.notice.error ? 'Attention' : 'Good', weight: 'Bolder' }));
  body.push(
    heading(`Approval: ${r.systemRef} ${r.systemName}`),
    textBlock(markdown`${STATUS_ICON[r.status] ?? ''} **${REQUEST_STATUS_LABEL[r.status] ?? r.status}**${r.status === 'blocked' ? ' — prohibited practice; nobody can approve it' : ''}`),
    facts([
      ['Owner', r.owner.name],
      ['Submitted by', r.submittedBy.name],
      ['Assessment', `v${r.assessmentVersion}`],
    ]),
    ...classificationBlocks(r.classification),
    textBlock(markdown`**Steps**`),
    facts(r.steps.map((s) => [`${STATUS_ICON[s.status] ?? ''} ${roleLabel(s.role)}`, s.status === 'pending' ? `${STEP_STATUS_LABEL.pending} — ${approverLabel(s, opts.approverNames ?? {})}` : stepLine(s, opts.tz)])),
  );
  const extra: CardJson = {};
  if (opts.approver) {
    const { step } = opts.approver;
    body.push(
      textBlock(markdown`**Your decision: the ${roleLabel(step.role)} step**`, { separator: true }),
      {
        type: 'Input.Text',
        id: 'reason',
        label: 'Reason (required to reject or request changes)',
        isMultiline: true,
        maxLength: 1000,
        value: opts.approver.reason ?? '',
      },
    );
    if (opts.approver.reasonError) body.push(errorText(opts.approver.reasonError));
    const data = { stepId: step.id, requestId: r.id };
    body.push({
      type: 'ActionSet',
      actions: [
        ...(r.status === 'blocked' ? [] : [executeAction('Approve', { action: 'approval.approve', ...data }, { style: 'positive' })]),
        executeAction('Reject', { action: 'approval.reject', ...data }, { style: 'destructive' }),
        executeAction('Request changes', { action: 'approval.request_changes', ...data }),
      ],
    });
  }
  if ((r.status === 'pending' || r.status === 'blocked') && opts.refreshUserIds && opts.refreshUserIds.length > 0) {
    extra.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: 'refresh', data: { action: 'approval.refresh', requestId: r.id } },
      userIds: opts.refreshUserIds.slice(0, REFRESH_USERS_MAX),
    };
  }
  return adaptiveCard(body, extra);
}
