/** Adaptive Cards for the neutral views of flows/: systems, checks, lists, pending work, help. */
import type { CheckView, PendingItem, RequestView, SystemView } from '../../flows';
import { RISK_CLASS_LABEL } from '../../flows';
import type { Classification } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { adaptiveCard, day, executeAction, facts, heading, Markdown, markdown, textBlock, words } from './card-kit';
import { obligationLines } from '../../flows/obligation-text';
import { REQUEST_STATUS_LABEL, roleLabel, STEP_STATUS_LABEL, SYSTEM_STATUS_LABEL } from '../../flows/display';

/** A risk class as people read it; a dash for none. */
export function classLabel(riskClass: string | null | undefined): string {
  if (!riskClass) return '—';
  return RISK_CLASS_LABEL[riskClass as keyof typeof RISK_CLASS_LABEL] ?? words(riskClass);
}


/** The help text: the commands of the app manifest. */
export const TEAMS_HELP: Array<[string, string]> = [
  ['register', 'register an AI tool and answer the triage questions'],
  ['check <name>', 'is this tool approved, and under which conditions?'],
  ['list', 'the tools you own or registered'],
  ['show <ref>', 'one tool in full, e.g. show AI-1'],
  ['pending', 'approvals waiting for you'],
  ['review <ref>', "confirm, update, retire or snooze a tool's review"],
  ['resubmit <ref>', 'answer the triage again after changes were requested'],
  ['controls [filter] [page]', 'the control register (compliance); controls edit <id>, controls add <title>'],
  ['soa', 'the Statement of Applicability to download and approve (compliance)'],
  ['management-review', 'compliance: the management review pack now; management-review decide <MR ref> <decision>, management-review held <MR ref> <attendees>'],
  ['impact <ref>', "assess a tool's impact on people and society (and the Art. 27 FRIA elements)"],
  ['inventory [filter]', 'compliance: the whole inventory, e.g. high approved, owner=bob, overdue'],
  ['home', 'compliance: the dashboard of counts, untreated high risks, overdue tasks and reviews'],
  ['tasks', 'your open tasks, with Done and Not applicable (compliance: tasks all, tasks overdue)'],
  ['risks <ref>', "a tool's risk register: heat map and list"],
  ['assess <ref>', "assess a tool's risks (owner, compliance)"],
  ['incident [<ref>]', 'report an incident with an AI system; incident INC-4 shows one, incident INC-4 informed|reported records the steps'],
  ['export incidents', 'compliance: the incidents with their due times (the file: aimsbot export incidents)'],
  ['nc raise · nc NC-7', 'raise a nonconformity (anyone); see one with its containment, root cause, actions and effectiveness'],
  ['export nonconformities [csv|json]', 'every nonconformity as a file (compliance)'],
  ['audit plan · audit <id>', 'plan an internal audit and draw its sample (compliance); see one'],
  ['finding <audit id>', "record a finding (the audit's auditors)"],
  ['export audit-report <id> · export audits', 'the audit report, or every audit, in a personal chat (compliance)'],
  ['register <name>', 'register a tool with what the AI tool catalog knows filled in'],
  ['transfer <ref> <person>', 'hand a tool to another owner: @mention them or give their e-mail (owner, compliance)'],
  ['edit <ref>', "change a tool's name, vendor, link, purpose or department (owner, compliance)"],
  ['survey [ai-use|policy|literacy]', 'start an AI-use survey, a policy acknowledgement or a literacy round now (compliance)'],
  ['policy', 'the AI policy, and whether you acknowledged it'],
  ['export literacy [csv|json]', 'who acknowledged which policy version and attested AI literacy (compliance)'],
  ['help', 'this list'],
];

/** The help card. */
export function helpCard(prefix = ''): CardJson {
  return adaptiveCard([
    heading(`${prefix}aimsbot commands`),
    facts(TEAMS_HELP.map(([c, d]) => [c, d])),
    textBlock('In a channel, mention the bot first: @aimsbot check ChatGPT', { isSubtle: true, size: 'Small' }),
  ]);
}

/** The classification: class, roles, approvers, obligations, reasons. */
export function classificationBlocks(c: Classification): CardJson[] {
  const blocks: CardJson[] = [
    facts([
      ['Class', RISK_CLASS_LABEL[c.riskClass]],
      ['Roles', c.inScope ? `EU AI Act ${c.aiActRoles.join(', ')}; ISO 42001 ${c.isoRoles.join(', ')}` : null],
      ['Approvers', c.approvers.map(roleLabel).join(', ')],
      ['Review every', c.reviewIntervalDays === null ? 'no review (cannot be used)' : `${c.reviewIntervalDays} days`],
      ['Obligations', obligationLines(c.obligations).join('; ') || 'none'],
      ['Annex A controls', c.controls.join(', ') || null],
    ]),
  ];
  const reasons = c.rationale.map((r) => markdown`- ${`[${r.rule}]`} ${r.because} (${r.ref})`);
  const warnings = c.warnings.map((w) => markdown`- ⚠ ${w.message} (${w.ref})`);
  blocks.push(textBlock(Markdown.join([markdown`**Because**`, ...reasons, ...warnings], '\n'), { size: 'Small' }));
  return blocks;
}

/** A system in full, with its latest request; dates in the time zone `tz` (the policy's). */
export function systemCard(s: SystemView, request: RequestView | null, note?: string, tz = 'UTC'): CardJson {
  const body: CardJson[] = [];
  if (note) body.push(textBlock(note, { color: 'Warning' }));
  body.push(
    heading(`${s.ref} ${s.name}`),
    facts([
      ['Status', SYSTEM_STATUS_LABEL[s.status] ?? words(s.status)],
      ['Class', classLabel(s.riskClass)],
      ['Owner', s.owner.name],
      ['Vendor', s.vendor || 'built in-house'],
      ['Link', s.url],
      ['Purpose', s.purpose],
      ['Department', s.department],
      ['Usage', words(s.usageStatus)],
      ['Next review', day(s.nextReviewAt, tz)],
      ['Submitted by', `${s.submittedBy.name} on ${day(s.createdAt, tz)}`],
      ['Obligations', s.assessment ? obligationLines(s.assessment.result.obligations).join('; ') || 'none' : null],
      ['Re-triage needed (questionnaire v2)', s.retriageNeeded ?? null],
      ['Untreated high risks', s.untreatedRisks ? `${s.untreatedRisks} at or above the acceptance threshold — risks ${s.ref}` : null],
    ]),
  );
  if (request) {
    body.push(textBlock(markdown`**Approval** (assessment v${request.assessmentVersion}): ${REQUEST_STATUS_LABEL[request.status] ?? words(request.status)}`));
    body.push(facts(request.steps.map((st) => [roleLabel(st.role), stepLine(st, tz)])));
  }
  return adaptiveCard(body);
}

/** One step as a line: status, who decided and when (in the time zone `tz`), the reason. */
export function stepLine(st: RequestView['steps'][number], tz = 'UTC'): string {
  const by = st.decidedBy ? ` by ${st.decidedBy.name} on ${day(st.decidedAt, tz)}` : '';
  const reason = st.reason ? ` — "${st.reason}"` : '';
  return `${STEP_STATUS_LABEL[st.status] ?? words(st.status)}${by}${reason}`;
}

const VERDICT: Record<CheckView['verdict'], string> = {
  approved: '✅ approved — you may use it under the conditions below',
  pending: '⏳ waiting for approval — do not use it for real work yet',
  not_approved: '❌ not approved',
  blocked: '⛔ prohibited — do not use',
  retired: 'retired — no longer approved for use',
};

/** The answer to `check`. */
export function checkCard(c: CheckView): CardJson {
  return adaptiveCard([
    heading(`${c.system.ref} ${c.system.name}`),
    textBlock(VERDICT[c.verdict], { weight: 'Bolder' }),
    facts([
      ['Class', classLabel(c.system.riskClass)],
      ['Owner', c.system.owner.name],
      // A prohibited tool has no conditions of use and no data it may see.
      ['Conditions', c.verdict === 'blocked' ? null : obligationLines(c.conditions).join('; ') || 'none'],
      ['Allowed data', c.verdict === 'blocked' ? null : c.allowedData.map(words).join(', ') || 'none'],
    ]),
  ]);
}

/** "Not registered", with suggestions. */
export function notFoundCard(query: string, suggestions: SystemView[]): CardJson {
  const body = [textBlock(markdown`"${query}" is not registered. Register it with **register** before you use it.`)];
  if (suggestions.length) body.push(textBlock(`Did you mean: ${suggestions.map((s) => `${s.ref} ${s.name}`).join(', ')}?`));
  return adaptiveCard(body);
}

/** The tools someone owns or registered; dates in the time zone `tz` (the policy's). */
export function listCard(systems: SystemView[], tz = 'UTC'): CardJson {
  if (systems.length === 0) return adaptiveCard([textBlock(markdown`You own or registered no tools yet — type **register**.`)]);
  return adaptiveCard([
    heading('Your tools'),
    facts(systems.slice(0, 50).map((s) => [s.ref, `${s.name} — ${SYSTEM_STATUS_LABEL[s.status] ?? words(s.status)}${s.riskClass ? `, ${classLabel(s.riskClass)}` : ''}; next review ${day(s.nextReviewAt, tz)}`])),
    ...(systems.length > 50 ? [textBlock(`…and ${systems.length - 50} more`, { isSubtle: true })] : []),
  ]);
}

/** What waits for the actor, with a button to open each request. */
export function pendingCard(items: PendingItem[]): CardJson {
  if (items.length === 0) return adaptiveCard([textBlock('Nothing waits for your decision.')]);
  return adaptiveCard([
    heading('Waiting for your decision'),
    ...items.slice(0, 20).map((i) => {
      const roles = i.request.steps.filter((s) => i.stepIds.includes(s.id)).map((s) => s.role);
      return textBlock(markdown`**${i.request.systemRef}** ${i.request.systemName} (${classLabel(i.request.classification.riskClass)}) — your step: ${roles.map(roleLabel).join(', ')}`);
    }),
  ], {
    actions: items.slice(0, 5).map((i) => executeAction(`Open ${i.request.systemRef}`, { action: 'approval.open', requestId: i.request.id })),
  });
}
