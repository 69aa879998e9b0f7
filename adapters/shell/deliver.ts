/**
 * The shell's deliverer: prints each outbox notification as a sentence the reader can follow —
 * who it is for, what happened, and the shell command to act on it. Never raw event data,
 * never internal ids, dates in the policy's time zone, and no threads (the shell has none).
 */
import { eq } from 'drizzle-orm';
import { people } from '../../db/schema';
import type { Deliverer, FlowDeps, OutboxRow, RequestView, ReviewReminderPayload } from '../../flows';
import { REQUEST_STATUS_LABEL, RISK_CLASS_LABEL, STEP_STATUS_LABEL, loadRequestView, loadSystemView, localDay, outcomeOf, reviewReminderText, roleLabel } from '../../flows';
import { checkpointPrinted } from './checkpoint';
import { classLabel, memberName } from './render';
import { surveyHint, surveyStartedLine } from './surveys/deliver';

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
// Reminders name the role as the jobs' own text does ("the owner approval of …").
const words = (s: string) => s.replace(/_/g, ' ');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Builds a deliverer that writes to `print`. */
export function shellDeliverer(deps: FlowDeps, print: (text: string) => void): Deliverer {
  return async (row: OutboxRow) => {
    const p = row.payload as Payload;
    const request = num(p.requestId) !== null ? await loadRequestView(deps.db, deps.policy, row.workspaceId, num(p.requestId)!) : null;
    const text = await sentence(deps, row, p, request);
    if (text === null) return { ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` };
    print(text);
    await checkpointPrinted(deps, row);
    return { ok: true };
  };
}

/** The line printed for one notification; null when its subject is gone. */
async function sentence(deps: FlowDeps, row: OutboxRow, p: Payload, request: RequestView | null): Promise<string | null> {
  const tz = deps.policy.organization.timezone;
  switch (row.kind) {
    case 'approval.requested': {
      if (!request) return null;
      const steps = request.steps.map((s) => `${roleLabel(s.role)} (${s.approvers.map(memberName).join(', ') || 'nobody yet'})`).join('; ');
      const what = `${request.systemRef} "${request.systemName}" (${classLabel(request.classification.riskClass)})`;
      if (request.status === 'blocked') return `[#approvals] ${what} is blocked as a prohibited practice; compliance confirms: ${steps}`;
      return `[#approvals] ${what} needs approval from: ${steps} — decide with /aims approve ${request.systemRef}`;
    }
    case 'approval.updated': {
      if (!request) return null;
      const steps = request.steps.map((s) => `${roleLabel(s.role)} ${STEP_STATUS_LABEL[s.status]}${s.decidedBy ? ` by ${s.decidedBy.name}` : ''}`);
      return `[update] approval of ${request.systemRef} "${request.systemName}": ${REQUEST_STATUS_LABEL[request.status]} — ${steps.join('; ')}`;
    }
    case 'approval.outcome': {
      if (!request) return null;
      // The step that settled it, with its reason; other steps' comments are not the reason.
      const status = (str(p.status) ?? request.status) as RequestView['status'];
      const d = outcomeOf(request, status, num(p.stepId) ?? undefined).decisive;
      const by = d?.by ? ` by ${d.by.name} (${roleLabel(d.role)} step)` : '';
      const reason = d?.reason ? `: "${d.reason}"` : '';
      const subject = `${request.systemRef} "${request.systemName}"`;
      const what = status === 'changes_requested' ? `${subject}: changes were requested` : `${subject} was ${REQUEST_STATUS_LABEL[status] ?? 'decided'}`;
      return `[to ${request.submittedBy.name}] ${what}${by}${reason}`;
    }
    case 'review.updated':
      return reviewUpdated(deps, row, p, tz);
    case 'approval.reminder': {
      const ref = str(p.ref);
      const age = ageText(num(p.ageHours) ?? 0);
      const n = num(p.reminderNumber) ?? 1;
      return (
        `${await addressOf(deps, row)} Reminder: the ${roleLabel(str(p.role) ?? 'approval')} approval of ${ref} "${str(p.name) ?? ''}" has been waiting for ${age}. ` +
        `Please approve, reject or request changes: /aims approve ${ref}, /aims reject ${ref} <reason> or /aims changes ${ref} <reason>.${n > 1 ? ` (reminder ${n})` : ''}`
      );
    }
    case 'approval.escalation': {
      const approvers = Array.isArray(p.approvers) ? p.approvers.filter((a): a is string => typeof a === 'string').map(memberName) : [];
      return (
        `${await addressOf(deps, row)} Stalled approval: the ${roleLabel(str(p.role) ?? 'approval')} step of ${str(p.ref)} "${str(p.name) ?? ''}" ` +
        `has waited ${ageText(num(p.ageHours) ?? 0)} despite ${plural(num(p.reminders) ?? 0, 'reminder')} (approvers: ${approvers.join(', ') || 'none configured'}).`
      );
    }
    case 'triage.retriage_needed':
      return retriageNeeded(deps, row, p);
    case 'impact.due':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}`.replace(/Assess it with: impact (AI-\d+)$/, 'Assess it with /aims impact $1');
    case 'approval.stuck':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}`;
    case 'digest.weekly':
      return `${await addressOf(deps, row)} ${digestText(str(p.text) ?? '')}`;
    case 'task.reminder':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}${str(p.ref) ? ` — /aims task ${str(p.ref)}` : ''}`;
    case 'review.reminder':
      return `${await addressOf(deps, row)} ${plain(reviewReminderText(p as ReviewReminderPayload, deps.policy.organization.timezone))}${str(p.ref) ? ` — /aims review ${str(p.ref)}` : ''}`;
    case 'risk.assess_prompt':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}${str(p.ref) ? ` — /aims assess ${str(p.ref)}` : ''}`;
    case 'risk.acceptance_requested':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}${str(p.riskRef) ? ` — /aims risk accept ${str(p.riskRef)}` : ''}`;
    case 'survey.start':
      return surveyStartedLine(deps, row);
    case 'survey.ask':
    case 'survey.reminder':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}${surveyHint(p)}`;
    case 'management_review.pack':
      return `${await addressOf(deps, row)} ${plain(str(p.text) ?? '')}${str(p.ref) ? ` — export management-review ${str(p.ref)} --out FILE writes the pack with its charts` : ''}`;
    default:
      return `${await addressOf(deps, row)} ${generic(row.kind, p)}`;
  }
}

/** A review card changed: confirmed, re-triaged, retired or snoozed. */
async function reviewUpdated(deps: FlowDeps, row: OutboxRow, p: Payload, tz: string): Promise<string | null> {
  const systemId = num(p.systemId);
  const system = systemId === null ? null : await loadSystemView(deps.db, row.workspaceId, systemId);
  if (!system) return null;
  const until = str(p.until);
  const what: Record<string, string> = {
    confirmed: 'was confirmed as still accurate',
    retriaged: 'was answered again and needs a new approval',
    retired: 'is closed: the tool was retired',
    snoozed: `is snoozed until ${until ? localDay(new Date(until), tz) : 'later'}`,
  };
  return `[update] the review of ${system.ref} "${system.name}" ${what[str(p.status) ?? ''] ?? 'changed'}`;
}

/** The owner is asked to answer the new questionnaire: how, in the shell's words. */
async function retriageNeeded(deps: FlowDeps, row: OutboxRow, p: Payload): Promise<string | null> {
  const systemId = num(p.systemId);
  const system = systemId === null ? null : await loadSystemView(deps.db, row.workspaceId, systemId);
  if (!system) return null;
  const reasons = Array.isArray(p.reasons) ? p.reasons.filter((r): r is string => typeof r === 'string') : [];
  const how = system.status === 'approved' ? `Answer the new questions with /aims review ${system.ref} (2, update answers).` : `Answer the triage again when you resubmit ${system.ref}.`;
  return (
    `${await addressOf(deps, row)} ${system.ref} "${system.name}" needs a re-triage: it was assessed with the first version of the questionnaire` +
    `${reasons.length ? `, and these answers have no equivalent in the new one: ${reasons.join(', ')}` : ''}. ${how} If the class changes, a new approval starts.`
  );
}

/** The digest's text with risk classes by their labels. */
function digestText(text: string): string {
  return plain(text)
    .split('\n')
    .map((l) =>
      l.startsWith('  by risk class: ')
        ? `  by risk class: ${l
            .slice('  by risk class: '.length)
            .split(', ')
            .map((part) => part.replace(/^(\w+)(?= \d+$)/, (k) => (k in RISK_CLASS_LABEL ? RISK_CLASS_LABEL[k as keyof typeof RISK_CLASS_LABEL] : words(k))))
            .join(', ')}`
        : l,
    )
    .join('\n');
}

/** Any other notification: its text when it has one, else a sentence naming what happened. */
function generic(kind: string, p: Payload): string {
  const text = str(p.text);
  if (text) return plain(text);
  const ref = str(p.ref);
  const about = ref ? ` about ${ref}${str(p.name) ? ` "${str(p.name)}"` : ''}` : '';
  return `there is news${about} (${kind.replace(/[._]/g, ' ')})${ref ? ` — see /aims show ${ref}` : ''}.`;
}

/** Text written for every platform, made fit for the shell: people by name, no threads. */
function plain(text: string): string {
  return text
    .replace(/\b(?:shell|email):([\w.@+-]+)/g, '$1')
    .replace(/ in the (?:request's |review's )?thread\b/gi, '')
    .replace(/\bthread\b/gi, 'request');
}

function ageText(hours: number): string {
  return hours >= 48 ? plural(Math.floor(hours / 24), 'day') : plural(hours, 'hour');
}

/** `[to alice]` for a person, `[#digest]` for a channel, `[update]` for copies of a card. */
async function addressOf(deps: FlowDeps, row: OutboxRow): Promise<string> {
  const r = row.recipient as { person?: number; channel?: string };
  if (typeof r.person === 'number') {
    const [p] = await deps.db.select().from(people).where(eq(people.id, r.person));
    return `[to ${p?.displayName ?? (p ? memberName(p.platformId) : 'someone')}]`;
  }
  return r.channel ? `[#${r.channel}]` : '[update]';
}
