/**
 * Block Kit for an approval request: the parent message, one reply per step (with the decision
 * buttons while it is open) and the outcome message to the submitter. Rendered from the
 * current state every time, so any copy can be re-rendered and updated in place.
 */
import type { RequestView, StepView } from '../../flows';
import { outcomeOf, RISK_CLASS_LABEL } from '../../flows';
import type { Classification } from '../../flows/triage/types';
import type { Block } from './blocks';
import { button, context, header, limitBlocks, section, sectionsOf } from './blocks';
import { day, esc, memberLabel, mention } from './mrkdwn';
import { obligationLines } from '../../flows/obligation-text';
import { REQUEST_STATUS_LABEL, roleLabel, STEP_STATUS_LABEL } from '../../flows/display';

/** A rendered message: blocks and the notification text. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Member id (`slack:U…`, `email:…`) → mrkdwn mention or escaped label. */
export type Mentions = ReadonlyMap<string, string>;

/** Action ids of the approval buttons (product.md). */
export const APPROVAL_ACTIONS = {
  approve: 'approval.approve',
  reject: 'approval.reject',
  request_changes: 'approval.request_changes',
} as const;

/** Action id of the "answer again" button on a request sent back. */
export const RESUBMIT_ACTION = 'system.resubmit';


const STEP_ICON: Record<StepView['status'], string> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  rejected: ':x:',
  changes_requested: ':leftwards_arrow_with_hook:',
  cancelled: ':heavy_minus_sign:',
};

/** The label of a risk class. */
export function classLabel(c: Classification['riskClass'] | null): string {
  return c ? RISK_CLASS_LABEL[c] : '—';
}

/** Who may decide a step, as mentions. */
export function approversText(step: StepView, mentions: Mentions): string {
  if (step.approvers.length === 0) return `nobody yet: add members to the \`${esc(step.group ?? step.role)}\` group of the policy`;
  return step.approvers.map((a) => mentions.get(a) ?? esc(memberLabel(a))).join(', ');
}

/** How a request ended (or stands), as a sentence about it: "changes were requested". */
export function requestPhrase(status: RequestView['status']): string {
  switch (status) {
    case 'changes_requested':
      return 'changes were requested';
    case 'pending':
      return 'the request is waiting for approval';
    case 'blocked':
      return 'the request is blocked as a prohibited practice';
    case 'superseded':
      return 'a newer request replaced it';
    default:
      return `the request was ${REQUEST_STATUS_LABEL[status]}`;
  }
}

/** "AI-3 Name was approved." — how a request ended, `strong` marking the outcome. */
function outcomeSentence(subject: string, status: RequestView['status'], strong: (s: string) => string): string {
  switch (status) {
    case 'approved':
    case 'rejected':
      return `${subject} was ${strong(status)}.`;
    case 'changes_requested':
      return `${subject}: ${strong('changes were requested')}.`;
    case 'blocked':
      return `${subject} is ${strong('blocked')}: a prohibited practice cannot be approved.`;
    case 'superseded':
      return `${subject} was ${strong('superseded by a newer request')}.`;
    case 'pending':
      return `${subject} is ${strong('waiting for approval')}.`;
  }
}

function stepLine(step: StepView, mentions: Mentions, tz: string): string {
  const head = `${STEP_ICON[step.status]} *${step.position}. ${esc(roleLabel(step.role))}*: ${STEP_STATUS_LABEL[step.status]}`;
  if (step.decidedBy) {
    const reason = step.reason ? ` — “${esc(step.reason)}”` : '';
    return `${head} by ${mention(step.decidedBy)} on ${day(step.decidedAt, tz)}${reason}`;
  }
  return step.status === 'pending' ? `${head} — ${approversText(step, mentions)}` : head;
}

/** The classification's reasons, one line each. */
export function reasonLines(c: Classification): string[] {
  return [
    ...c.rationale.map((r) => `• [${esc(r.rule)}] ${esc(r.because)} (${esc(r.ref)})`),
    ...c.warnings.map((w) => `:warning: ${esc(w.message)} (${esc(w.ref)})`),
  ];
}

/** The parent message of a request's thread. */
export function renderRequestParent(r: RequestView, mentions: Mentions, tz: string): SlackMessage {
  const c = r.classification;
  const blocks: Block[] = [
    // Headers carry no user text: only mrkdwn can be escaped reliably.
    header(`Approval: ${r.systemRef}`),
    section(
      [
        `*${r.systemRef}* ${esc(r.systemName)} — *${classLabel(c.riskClass)}*, assessment v${r.assessmentVersion}`,
        `Status: *${REQUEST_STATUS_LABEL[r.status]}* · submitted by ${mention(r.submittedBy)} · owner ${mention(r.owner)}`,
      ].join('\n'),
    ),
    ...sectionsOf(['*Why*', ...reasonLines(c)]),
  ];
  if (c.obligations.length) blocks.push(context(`Obligations: ${obligationLines(c.obligations).map(esc).join('; ')}`));
  blocks.push(...sectionsOf(['*Steps*', ...r.steps.map((s) => stepLine(s, mentions, tz))]));
  if (r.status === 'blocked') blocks.push(context(':no_entry: Prohibited practice: this system cannot be approved.'));
  else if (r.status === 'pending') blocks.push(context('Each approver decides in the thread below.'));
  return {
    text: `Approval ${REQUEST_STATUS_LABEL[r.status]}: ${r.systemRef} ${esc(r.systemName)} (${classLabel(c.riskClass)})`,
    blocks: limitBlocks(blocks),
  };
}

/** The thread reply of one step: who decides, and the buttons while it is open. */
export function renderStepReply(r: RequestView, step: StepView, mentions: Mentions, tz: string): SlackMessage {
  const open = step.status === 'pending' && (r.status === 'pending' || r.status === 'blocked');
  const blocks: Block[] = [section(`*Step ${step.position} · ${esc(roleLabel(step.role))}* of ${r.systemRef} ${esc(r.systemName)}\n${stepLine(step, mentions, tz)}`)];
  if (open) {
    const value = String(step.id);
    blocks.push({
      type: 'actions',
      block_id: `step.${step.id}`,
      elements: [
        ...(r.status === 'blocked' ? [] : [button('Approve', APPROVAL_ACTIONS.approve, value, 'primary')]),
        button('Reject', APPROVAL_ACTIONS.reject, value, 'danger'),
        button('Request changes', APPROVAL_ACTIONS.request_changes, value),
      ],
    });
  } else if (step.status === 'cancelled' || step.status === 'pending') {
    blocks.push(context(`No decision needed any more: ${requestPhrase(r.status)}.`));
  }
  const who = step.status === 'pending' ? `${approversText(step, mentions)}: please decide` : STEP_STATUS_LABEL[step.status];
  return { text: `${r.systemRef} ${esc(r.systemName)} — ${esc(roleLabel(step.role))} step: ${who}`, blocks: limitBlocks(blocks) };
}

/** The message telling the submitter how their request ended. */
export function renderOutcome(r: RequestView, systemNextReview: Date | null, tz: string): SlackMessage {
  const lead = outcomeSentence(`Your registration *${r.systemRef}* ${esc(r.systemName)}`, r.status, (x) => `*${x}*`);
  const lines = [lead];
  // The step that settled it, with its reason; other steps' comments are not the reason.
  const d = outcomeOf(r).decisive;
  if (d?.by) {
    lines.push(`${STEP_ICON[d.status]} ${esc(roleLabel(d.role))} step: ${STEP_STATUS_LABEL[d.status]} by ${mention(d.by)} on ${day(d.at, tz)}${d.reason ? ` — “${esc(d.reason)}”` : ''}`);
  }
  if (r.status === 'approved') {
    lines.push(`Class: ${classLabel(r.classification.riskClass)}. Next review: ${day(systemNextReview, tz)}.`);
    if (r.classification.obligations.length) lines.push(`Conditions: ${obligationLines(r.classification.obligations).map(esc).join('; ')}.`);
  }
  const blocks: Block[] = [section(lines.join('\n'))];
  if (r.status === 'changes_requested' || r.status === 'rejected') {
    blocks.push({ type: 'actions', block_id: 'outcome', elements: [button('Answer again and resubmit', RESUBMIT_ACTION, r.systemRef, 'primary')] });
  }
  return { text: outcomeSentence(`${r.systemRef} ${esc(r.systemName)}`, r.status, (x) => x), blocks: limitBlocks(blocks) };
}
