/** Plain-text rendering of the weekly digest: every deliverer can fall back to it. */
import type { DigestItem, DigestTotals, WeeklyDigest } from './digest';
import { digestTotal } from './digest';
import { plural } from './common';
import { localDate } from './time';
import { checkpointText } from '../audit-checkpoint-view';
import { roleLabel } from '../display';
import { taskDigestLines } from '../tasks/digest';
import { discoveryDigestLines } from '../discovery/digest';
import { objectiveDigestLines } from '../objectives/digest';
import { ncDigestLines } from '../improvement/digest';
import { surveyDigestLines } from '../discovery/surveys/report';

const line = (i: DigestItem) => `${i.ref} ${i.name}`;
const names = (items: DigestItem[]) => items.map(line).join(', ');

/** ` …and 12 more (see the CSV)` when a list holds fewer items than it counts. */
function more(d: WeeklyDigest, list: keyof DigestTotals, shown: number): string {
  const rest = digestTotal(d, list) - shown;
  return rest > 0 ? ` …and ${rest} more (see the inventory CSV)` : '';
}

/** Renders the digest as plain text (a short note for a quiet week). */
export function renderDigestText(d: WeeklyDigest): string {
  const out: string[] = [`Weekly AI compliance digest for ${d.organization}, ${d.periodLabel}`];
  const c = d.counts;
  if (d.quiet) {
    out.push('A quiet week: nothing was registered, approved, rejected, sent back or blocked.');
  } else {
    out.push(
      `This week: ${plural(c.registrations, 'registration')}, ${plural(c.approvals, 'approval')}, ${plural(c.rejections, 'rejection')}, ` +
        `${c.changesRequested} ${c.changesRequested === 1 ? 'request' : 'requests'} for changes, ${c.blocked} blocked.`,
    );
    const a = d.activity;
    if (a.registered.length) out.push(`Registered: ${names(a.registered)}`);
    if (a.approved.length) out.push(`Approved: ${names(a.approved)}`);
    if (a.rejected.length) out.push(`Rejected: ${names(a.rejected)}`);
    if (a.changesRequested.length) out.push(`Changes requested: ${names(a.changesRequested)}`);
    if (a.blocked.length) out.push(`Blocked (prohibited): ${names(a.blocked)}`);
    if (d.highRisk.length) out.push(`High-risk this week: ${names(d.highRisk)}${more(d, 'highRisk', d.highRisk.length)}`);
    if (d.prohibited.length) out.push(`Prohibited this week: ${names(d.prohibited)}${more(d, 'prohibited', d.prohibited.length)}`);
    if (d.hiddenAi.length) out.push(`Already in use before registration ("hidden AI"): ${names(d.hiddenAi)}${more(d, 'hiddenAi', d.hiddenAi.length)}`);
  }
  if (d.pendingApprovals.length) {
    out.push(`Pending approvals (${digestTotal(d, 'pendingApprovals')}):`);
    for (const p of d.pendingApprovals) {
      const age = p.ageHours >= 48 ? plural(p.ageDays, 'day') : plural(p.ageHours, 'hour');
      out.push(`  ${line(p)} — waiting ${age} for ${p.waitingFor.join(', ') || 'nobody'}`);
    }
    if (more(d, 'pendingApprovals', d.pendingApprovals.length)) out.push(` ${more(d, 'pendingApprovals', d.pendingApprovals.length)}`);
  }
  if (d.stuckSteps?.length) {
    out.push(`Stuck approvals: nobody can decide (${digestTotal(d, 'stuckSteps')}):`);
    for (const s of d.stuckSteps) out.push(`  ${line(s)} — the ${roleLabel(s.role)} step: ${s.why}`);
    if (more(d, 'stuckSteps', d.stuckSteps.length)) out.push(` ${more(d, 'stuckSteps', d.stuckSteps.length)}`);
  }
  if (d.reviewsOverdue.length) {
    out.push(`Overdue reviews (${digestTotal(d, 'reviewsOverdue')}):`);
    for (const r of d.reviewsOverdue) out.push(`  ${line(r)} — ${plural(r.overdueDays, 'day')} overdue, owner ${r.owner}`);
    if (more(d, 'reviewsOverdue', d.reviewsOverdue.length)) out.push(` ${more(d, 'reviewsOverdue', d.reviewsOverdue.length)}`);
  }
  if (d.reviewsDueSoon.length) {
    out.push(`Reviews due in the next 14 days (${digestTotal(d, 'reviewsDueSoon')}):`);
    for (const r of d.reviewsDueSoon) out.push(`  ${line(r)} — due ${localDate(new Date(r.dueAt), d.timezone)}, owner ${r.owner}`);
    if (more(d, 'reviewsDueSoon', d.reviewsDueSoon.length)) out.push(` ${more(d, 'reviewsDueSoon', d.reviewsDueSoon.length)}`);
  }
  if (d.retriageNeeded?.length) {
    out.push(`Re-triage needed (questionnaire v2): ${digestTotal(d, 'retriageNeeded')} — ${names(d.retriageNeeded)}${more(d, 'retriageNeeded', d.retriageNeeded.length)}`);
  }
  out.push(...taskDigestLines(d.tasks));
  out.push(...discoveryDigestLines(d.discovery, d.timezone));
  out.push(...objectiveDigestLines(d.objectives));
  out.push(...ncDigestLines(d.nonconformities));
  out.push(...surveyDigestLines(d.surveys));
  if (d.untreatedHighRisks?.length) {
    out.push(`Untreated high risks: ${d.untreatedRiskCount ?? 0} in ${digestTotal(d, 'untreatedHighRisks')} high-risk systems — ${names(d.untreatedHighRisks)}${more(d, 'untreatedHighRisks', d.untreatedHighRisks.length)}`);
  }
  if (!d.quiet || d.inventory.total > 0) {
    const inv = d.inventory;
    out.push(`Inventory: ${plural(inv.total, 'system')}`);
    if (inv.total) {
      out.push(`  by risk class: ${inv.byRiskClass.map((x) => `${x.key.replace(/_/g, ' ')} ${x.count}`).join(', ')}`);
      out.push(`  by department: ${inv.byDepartment.map((x) => `${x.key} ${x.count}`).join(', ')}`);
    }
  }
  if (d.checkpoint) out.push(checkpointText(d.checkpoint));
  return out.join('\n');
}
