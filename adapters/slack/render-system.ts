/** Block Kit for the answers to `/aims` commands: help, check, list, show, pending, summaries. */
import type { CheckView, PendingItem, RequestView, SystemView } from '../../flows';
import type { Classification } from '../../flows/triage/types';
import type { Block } from './blocks';
import { context, header, limitBlocks, section, sectionsOf } from './blocks';
import { day, esc, mention, words } from './mrkdwn';
import type { Mentions, SlackMessage } from './render-request';
import { approversText, classLabel, reasonLines } from './render-request';
import { obligationLines, obligationTitle } from '../../flows/obligation-text';
import { REQUEST_STATUS_LABEL, roleLabel, STEP_STATUS_LABEL, SYSTEM_STATUS_LABEL } from '../../flows/display';

/** The `/aims help` text (mrkdwn: the angle brackets of placeholders are escaped like any other). */
export const HELP_LINES = [
  '*/aims register* — register an AI tool and answer the triage questions',
  '*/aims check &lt;name&gt;* — is this tool approved, and under which conditions?',
  '*/aims list* — the tools you own or registered',
  '*/aims show &lt;ref&gt;* — one tool in full, e.g. `/aims show AI-1`',
  '*/aims pending* — approvals waiting for you',
  '*/aims review &lt;ref&gt;* — confirm, update, retire or snooze a tool’s review',
  '*/aims resubmit &lt;ref&gt;* — answer the triage again after changes were requested',
  '*/aims controls [filter] [page]* — the control register (compliance); `controls edit &lt;id&gt;`, `controls add &lt;title&gt;`',
  '*/aims soa* — the Statement of Applicability as a file, to approve (compliance)',
  '*/aims management-review* — compliance: the management review pack now; `management-review decide &lt;MR ref&gt; &lt;decision&gt;`, `management-review held &lt;MR ref&gt; @attendees`',
  '*/aims impact &lt;ref&gt;* — assess a tool’s impact on people and society (and the Art. 27 FRIA elements)',
  '*/aims inventory [filter]* — compliance: the whole inventory, e.g. `high approved`, `owner=@bob`, `overdue`',
  '*/aims tasks* — your open tasks with Done / Not applicable (compliance: `tasks all`, `tasks overdue`)',
  '*/aims risks &lt;ref&gt;* — a tool’s risk register: heat map and list',
  '*/aims assess &lt;ref&gt;* — assess a tool’s risks (owner, compliance)',
  '*/aims export risks [csv|json]* — every risk register as a file in a DM (compliance)',
  '*/aims incident [&lt;ref&gt;]* — report an incident with an AI system; *incident INC-4* shows one, *incident INC-4 informed|reported* records the provider informed or the authority report sent',
  '*/aims export incidents [csv|json]* — every incident as a file in a DM (compliance)',
  '*/aims nc raise* — raise a nonconformity (anyone); */aims nc NC-7* — its containment, root cause, actions and effectiveness',
  '*/aims export nonconformities [csv|json]* — every nonconformity as a file in a DM (compliance)',
  '*/aims audit plan* — plan an internal audit and draw its sample (compliance); `audit &lt;id&gt;` shows one',
  '*/aims finding &lt;audit id&gt;* — record a finding (the audit’s auditors)',
  '*/aims export audit-report &lt;id&gt;* · *export audits [csv|json]* — the audit report, or every audit, as a file in a DM (compliance)',
  '*/aims register &lt;name&gt;* — register a tool with what the AI tool catalog knows filled in',
  '*/aims transfer &lt;ref&gt; &lt;@person&gt;* — hand a tool to another owner (owner, compliance)',
  '*/aims edit &lt;ref&gt;* — change a tool’s name, vendor, link, purpose or department (owner, compliance)',
  '*/aims survey [ai-use|policy|literacy]* — start an AI-use survey, a policy acknowledgement or a literacy round now (compliance)',
  '*/aims policy* — the AI policy, and whether you acknowledged it',
  '*/aims export literacy [csv|json]* — who acknowledged which policy version and attested AI literacy (compliance)',
  '*/aims help* — this list',
];

/** Help, optionally after a line saying what was not understood. */
export function renderHelp(unknown?: string): SlackMessage {
  const lines = unknown ? [`I don’t know “${esc(unknown)}”. Here is what I can do:`, ...HELP_LINES] : HELP_LINES;
  return { text: lines.join('\n'), blocks: sectionsOf(lines) };
}

/** A one-sentence private answer. */
export function renderNote(text: string): SlackMessage {
  return { text: esc(text), blocks: [section(esc(text))] };
}

const VERDICT: Record<CheckView['verdict'], string> = {
  approved: ':white_check_mark: approved — you may use it under the conditions below',
  pending: ':hourglass_flowing_sand: waiting for approval — do not use it for real work yet',
  not_approved: ':x: not approved',
  blocked: ':no_entry: prohibited — do not use',
  retired: ':file_cabinet: retired — no longer approved for use',
};

/** The verdict in the notification text (no emoji). */
const VERDICT_TEXT: Record<CheckView['verdict'], string> = {
  approved: 'approved',
  pending: 'waiting for approval',
  not_approved: 'not approved',
  blocked: 'prohibited — do not use',
  retired: 'retired',
};

/** The answer to `/aims check`. */
export function renderCheck(c: CheckView): SlackMessage {
  const s = c.system;
  const lines = [
    `*${s.ref}* ${esc(s.name)}: ${VERDICT[c.verdict]}`,
    `Class: ${classLabel(s.riskClass)} · owner ${mention(s.owner)}`,
    `Conditions: ${c.conditions.map((o) => `${esc(obligationTitle(o.id))} (${esc(o.ref)})`).join(', ') || 'none'}`,
    // A prohibited tool may not be used with any data: no "allowed data" line at all.
    ...(c.verdict === 'blocked' ? [] : [`Allowed data: ${c.allowedData.map((d) => esc(words(d))).join(', ') || 'none'}`]),
  ];
  return { text: `${s.ref} ${esc(s.name)}: ${VERDICT_TEXT[c.verdict]}`, blocks: sectionsOf(lines) };
}

/** "Not registered", with suggestions. */
export function renderNotFound(query: string, suggestions: SystemView[]): SlackMessage {
  const lines = [`“${esc(query)}” is not registered. Register it with \`/aims register\` before you use it.`];
  if (suggestions.length) lines.push(`Did you mean: ${suggestions.map((s) => `${s.ref} ${esc(s.name)}`).join(', ')}?`);
  return { text: lines[0]!, blocks: sectionsOf(lines) };
}

/** One line per system; dates in the policy's time zone `tz`. */
export function systemLine(s: SystemView, tz: string): string {
  const cls = s.riskClass ? `, ${classLabel(s.riskClass)}` : '';
  return `*${s.ref}* ${esc(s.name)} — ${SYSTEM_STATUS_LABEL[s.status]}${cls} · owner ${mention(s.owner)} · next review ${day(s.nextReviewAt, tz)}`;
}

/** The answer to `/aims list`: long lists are split over sections and capped at 50 blocks. */
export function renderList(systems: SystemView[], tz: string): SlackMessage {
  if (systems.length === 0) return renderNote('You own or registered no tools yet — /aims register');
  return {
    text: `Your tools (${systems.length})`,
    blocks: limitBlocks([section(`*Your tools (${systems.length})*`), ...sectionsOf(systems.map((s) => systemLine(s, tz)))]),
  };
}

/** One system in full, with its latest request. */
export function renderShow(s: SystemView, request: RequestView | null, mentions: Mentions, tz: string): SlackMessage {
  const lines = [
    `Status: *${SYSTEM_STATUS_LABEL[s.status]}* · class: ${classLabel(s.riskClass)}`,
    `Owner: ${mention(s.owner)} · department: ${esc(s.department || '—')}`,
    `Vendor: ${esc(s.vendor || 'built in-house')}${s.url ? ` · ${esc(s.url)}` : ''}`,
    `Purpose: ${esc(s.purpose)}`,
    `Usage: ${words(s.usageStatus)} · next review: ${day(s.nextReviewAt, tz)}`,
    `Submitted by ${mention(s.submittedBy)} on ${day(s.createdAt, tz)}`,
    ...(s.retriageNeeded != null ? [`:arrows_counterclockwise: Re-triage needed (questionnaire v2): ${esc(s.retriageNeeded)}`] : []),
    ...(s.untreatedRisks ? [`:warning: Untreated high risks: ${s.untreatedRisks} at or above the acceptance threshold — \`/aims risks ${s.ref}\``] : []),
  ];
  const blocks: Block[] = [header(s.ref), ...sectionsOf([`*${s.ref}* ${esc(s.name)}`, ...lines])];
  if (s.assessment) blocks.push(...sectionsOf(['*Why*', ...reasonLines(s.assessment.result)]));
  if (request) {
    const steps = request.steps.map((st) => {
      const by = st.decidedBy ? ` by ${mention(st.decidedBy)}` : st.status === 'pending' ? ` — ${approversText(st, mentions)}` : '';
      return `${st.position}. ${esc(roleLabel(st.role))}: ${STEP_STATUS_LABEL[st.status]}${by}${st.reason ? ` — “${esc(st.reason)}”` : ''}`;
    });
    blocks.push(...sectionsOf([`*Approval* (assessment v${request.assessmentVersion}): ${REQUEST_STATUS_LABEL[request.status]}`, ...steps]));
  }
  return { text: `${s.ref} ${esc(s.name)}: ${SYSTEM_STATUS_LABEL[s.status]}`, blocks: limitBlocks(blocks) };
}

/** Pending line of one request. */
export function pendingLine(i: PendingItem): string {
  const roles = i.request.steps.filter((s) => i.stepIds.includes(s.id)).map((s) => esc(roleLabel(s.role)));
  return `*${i.request.systemRef}* ${esc(i.request.systemName)} (${classLabel(i.request.classification.riskClass)}) — your step: ${roles.join(', ')}`;
}

/** The answer to `/aims pending`. */
export function renderPending(items: PendingItem[]): SlackMessage {
  if (items.length === 0) return renderNote('Nothing waits for your decision.');
  return {
    text: `${items.length} approval(s) wait for you`,
    blocks: limitBlocks([section('*Waiting for your decision* (decide in the approval threads)'), ...sectionsOf(items.map(pendingLine))]),
  };
}

/** The private summary after a registration or resubmission: class, reasons, who approves. */
export function renderSubmitted(verb: string, s: SystemView, c: Classification, request: RequestView | null, mentions: Mentions): SlackMessage {
  const who = request
    ? request.steps.map((st) => `• ${esc(roleLabel(st.role))}: ${approversText(st, mentions)}`)
    : ['• no approval needed: the class and approvers did not change'];
  const lines = [
    `*${s.ref}* ${esc(s.name)} ${verb}: *${classLabel(c.riskClass)}*, status ${SYSTEM_STATUS_LABEL[s.status]}.`,
    '*Why*',
    ...reasonLines(c),
    request?.status === 'blocked' ? '*Blocked*: a prohibited practice cannot be approved.' : '*Who must approve*',
    ...who,
  ];
  const blocks: Block[] = [...sectionsOf(lines)];
  if (c.obligations.length) blocks.push(context(`Obligations: ${obligationLines(c.obligations).map(esc).join('; ')}`));
  return { text: `${s.ref} ${esc(s.name)} ${verb}: ${classLabel(c.riskClass)}`, blocks: limitBlocks(blocks) };
}
