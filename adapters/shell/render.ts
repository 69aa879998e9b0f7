/** Plain-text rendering of the neutral views for the terminal. */
import type { CheckView, PendingItem, RequestView, StepView, SystemView } from '../../flows';
import {
  REQUEST_STATUS_LABEL,
  RISK_CLASS_LABEL,
  STEP_STATUS_LABEL,
  SYSTEM_STATUS_LABEL,
  isoDay,
  localDay,
  obligationLines,
  obligationText,
  roleLabel,
  sortedObligations,
} from '../../flows';
import type { Obligation } from '../../flows/triage/types';
import { obligationTextOf } from '../../flows/triage/obligation-texts';
import type { Classification } from '../../flows/triage/types';

const words = (s: string) => s.replace(/_/g, ' ');

/** A person's id as people read it: `shell:bob` is bob, `email:dpo@acme.example` the address. */
export function memberName(platformId: string): string {
  return platformId.replace(/^(shell|email):/, '');
}

/** A risk class as people read it; `—` when not classified. */
export const classLabel = (c: keyof typeof RISK_CLASS_LABEL | null | undefined): string => (c ? RISK_CLASS_LABEL[c] : '—');

/** One obligation line, and under it what it asks (version 2 obligations). */
function obligationWithText(o: Obligation): string[] {
  const text = o.duty ? obligationTextOf(o.id, o.duty) : '';
  return [`  - ${obligationText(o, isoDay(new Date()))}`, ...(text ? [`      ${text}`] : [])];
}

/** The classification with its reasons, obligations and approvers. */
export function renderClassification(c: Classification): string {
  const lines = [`class: ${RISK_CLASS_LABEL[c.riskClass]}`];
  if (c.inScope) lines.push(`roles: EU AI Act ${c.aiActRoles.join(', ')}; ISO 42001 ${c.isoRoles.join(', ')}`);
  lines.push(`approvers: ${c.approvers.map(roleLabel).join(', ') || 'none'}`);
  lines.push(`review every: ${c.reviewIntervalDays === null ? 'no review (cannot be used)' : `${c.reviewIntervalDays} days`}`);
  if (c.obligations.length) lines.push('obligations:', ...sortedObligations(c.obligations).flatMap(obligationWithText));
  if (c.controls.length) lines.push(`Annex A controls: ${c.controls.join(', ')}`);
  lines.push('because:');
  for (const r of c.rationale) lines.push(`  - [${r.rule}] ${r.because} (${r.ref})`);
  for (const w of c.warnings) lines.push(`  ! ${w.message} (${w.ref})`);
  return lines.join('\n');
}

function renderStep(s: StepView, tz: string): string {
  const who = s.approvers.length ? s.approvers.map(memberName).join(', ') : 'nobody yet: add this group to the policy';
  const decided = s.decidedBy ? ` by ${s.decidedBy.name} on ${localDay(s.decidedAt, tz)}` : '';
  const reason = s.reason ? ` — "${s.reason}"` : '';
  return `  ${s.position}. ${roleLabel(s.role)}: ${STEP_STATUS_LABEL[s.status]}${decided}${reason} [${who}]`;
}

/** An approval request with its steps; dates in the policy's time zone `tz`. */
export function renderRequest(r: RequestView, tz: string): string {
  return [
    `approval of ${r.systemRef} "${r.systemName}" (assessment v${r.assessmentVersion}, ${classLabel(r.classification.riskClass)}): ${REQUEST_STATUS_LABEL[r.status]}`,
    ...r.steps.map((s) => renderStep(s, tz)),
  ].join('\n');
}

/** One system in full; dates in the policy's time zone `tz`. */
export function renderSystem(s: SystemView, request: RequestView | null, tz: string): string {
  const day = (d: Date | null) => localDay(d, tz);
  const lines = [
    `${s.ref} ${s.name}`,
    `status: ${SYSTEM_STATUS_LABEL[s.status]}`,
    `class: ${classLabel(s.riskClass)}`,
    `owner: ${s.owner.name}`,
    `vendor: ${s.vendor || 'built in-house'}`,
    ...(s.url ? [`url: ${s.url}`] : []),
    `purpose: ${s.purpose}`,
    ...(s.department ? [`department: ${s.department}`] : []),
    `usage: ${words(s.usageStatus)}`,
    `next review: ${day(s.nextReviewAt)}`,
    `submitted by: ${s.submittedBy.name} on ${day(s.createdAt)}`,
  ];
  if (s.assessment) lines.push(`assessment: v${s.assessment.version} (questionnaire v${s.assessment.questionnaireVersion})`);
  if (s.retriageNeeded != null) lines.push(`re-triage needed (questionnaire v2): ${s.retriageNeeded}`);
  if (s.untreatedRisks) lines.push(`untreated high risks: ${s.untreatedRisks} at or above the acceptance threshold — /aims risks ${s.ref}`);
  if (s.assessment) lines.push(`obligations: ${obligationLines(s.assessment.result.obligations).join('; ') || 'none'}`);
  if (request) lines.push(renderRequest(request, tz));
  return lines.join('\n');
}

/** One line per system; dates in the policy's time zone `tz`. */
export function renderSystemLine(s: SystemView, tz: string): string {
  return `${s.ref}  ${s.name}  [${SYSTEM_STATUS_LABEL[s.status]}${s.riskClass ? `, ${classLabel(s.riskClass)}` : ''}]  owner ${s.owner.name}  next review ${localDay(s.nextReviewAt, tz)}`;
}

/** The answer to `check`. */
export function renderCheck(c: CheckView): string {
  const verdict: Record<CheckView['verdict'], string> = {
    approved: 'approved — you may use it under the conditions below',
    pending: 'waiting for approval — do not use it for real work yet',
    not_approved: 'not approved',
    blocked: 'prohibited — do not use',
    retired: 'retired — no longer approved for use',
  };
  return [
    `${c.system.ref} ${c.system.name}: ${verdict[c.verdict]}`,
    `class: ${classLabel(c.system.riskClass)}; owner: ${c.system.owner.name}`,
    `conditions: ${obligationLines(c.conditions).join('; ') || 'none'}`,
    // A prohibited tool may not be used with any data: no "allowed data" line at all.
    ...(c.verdict === 'blocked' ? [] : [`allowed data: ${c.allowedData.map(words).join(', ') || 'none'}`]),
  ].join('\n');
}

/** What waits for the actor. */
export function renderPending(items: PendingItem[]): string {
  if (items.length === 0) return 'nothing waits for your decision';
  return items
    .map((i) => {
      const roles = i.request.steps.filter((s) => i.stepIds.includes(s.id)).map((s) => roleLabel(s.role));
      // A prohibited system cannot be approved: compliance confirms the block or sends it back.
      const hint =
        i.request.status === 'blocked'
          ? `prohibited: /aims reject ${i.request.systemRef} <reason> confirms the block, /aims changes ${i.request.systemRef} <reason> sends it back`
          : `/aims approve ${i.request.systemRef}`;
      return `${i.request.systemRef} "${i.request.systemName}" (${classLabel(i.request.classification.riskClass)}) — your step: ${roles.join(', ')} — ${hint}`;
    })
    .join('\n');
}
