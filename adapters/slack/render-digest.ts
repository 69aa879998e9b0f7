/**
 * The weekly digest in Block Kit, rendered from the neutral `WeeklyDigest`: the week's counts,
 * what waits (pending approvals, overdue reviews, reviews due soon), the inventory by risk class
 * and by department, and the systems to look at (hidden AI, high-risk, prohibited). Long lists
 * are cut to a number of lines and split over sections so the message stays within Slack's
 * limits (50 blocks, 3,000 characters a section); the CSV attached to it has everything.
 */
import type { DigestCount, DigestItem, WeeklyDigest } from '../../flows';
import { digestTotal, roleLabel, taskDigestLines } from '../../flows';
import { discoveryDigestLines } from '../../flows';
import { objectiveDigestLines } from '../../flows';
import { ncDigestLines } from '../../flows';
import { surveyDigestLines } from '../../flows';
import type { Block } from './blocks';
import { context, divider, header, LIMITS, limitBlocks, sectionsOf } from './blocks';
import { clipMrkdwn, day, esc, words } from './mrkdwn';
import type { SlackMessage } from './render-request';
import { digestCheckpointBlocks } from './render-checkpoint';
import { ageText } from './render-reminders';

/** Lines shown per list; the rest are counted ("…and 12 more, see the CSV"). */
export const DIGEST_LIST_LINES = 20;

/** Characters per list line (a long name is cut, never the count). */
const LINE_MAX = 280;

const RISK_LABEL: Record<string, string> = {
  prohibited: 'Prohibited',
  high: 'High-risk',
  limited: 'Limited risk',
  minimal: 'Minimal risk',
  out_of_scope: 'Out of scope',
  unclassified: 'Not classified yet',
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `AI-3 Name` with the name escaped. */
function named(i: DigestItem): string {
  return `*${esc(i.ref)}* ${esc(i.name)}`;
}

/** A titled list: the title, then one bullet per item, cut to DIGEST_LIST_LINES. */
function list<T>(title: string, items: T[], line: (item: T) => string, total = items.length): Block[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, DIGEST_LIST_LINES).map((i) => clipMrkdwn(`• ${line(i)}`, LINE_MAX));
  // The digest lists at most DIGEST_LIST_LIMIT items per section; `total` is the whole count.
  const more = Math.max(total, items.length) - shown.length;
  return sectionsOf([`*${title} (${Math.max(total, items.length)})*`, ...shown, ...(more > 0 ? [`_…and ${more} more: see the attached CSV._`] : [])]);
}

function counts(c: DigestCount[], label: (key: string) => string): string {
  return c.map((x) => `${label(x.key)}: *${x.count}*`).join(' · ') || '—';
}

/** The week's numbers as one section with fields. */
function weekCounts(d: WeeklyDigest): Block {
  const c = d.counts;
  const field = (label: string, n: number) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${n}` });
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: '*This week*' },
    fields: [
      field('Registered', c.registrations),
      field('Approved', c.approvals),
      field('Rejected', c.rejections),
      field('Changes requested', c.changesRequested),
      field('Blocked (prohibited)', c.blocked),
    ],
  };
}

function waiting(d: WeeklyDigest): Block[] {
  return [
    ...list('Pending approvals', d.pendingApprovals, (p) => `${named(p)} — waiting ${ageText(p.ageHours)} for ${p.waitingFor.map((r) => esc(roleLabel(r))).join(', ') || 'nobody'}`, digestTotal(d, 'pendingApprovals')),
    ...list(':octagonal_sign: Stuck approvals: nobody can decide', d.stuckSteps ?? [], (s) => `${named(s)} — the ${esc(roleLabel(s.role))} step: ${esc(s.why)}`, digestTotal(d, 'stuckSteps')),
    ...list('Overdue reviews', d.reviewsOverdue, (r) => `${named(r)} — ${plural(r.overdueDays, 'day')} overdue (due ${day(new Date(r.dueAt), d.timezone)}), owner ${esc(r.owner)}`, digestTotal(d, 'reviewsOverdue')),
    ...list('Reviews due in the next 14 days', d.reviewsDueSoon, (r) => `${named(r)} — due ${day(new Date(r.dueAt), d.timezone)} (in ${plural(r.dueInDays, 'day')}), owner ${esc(r.owner)}`, digestTotal(d, 'reviewsDueSoon')),
    ...sectionsOf(taskDigestLines(d.tasks).map(esc)),
    ...sectionsOf(discoveryDigestLines(d.discovery, d.timezone).map(esc)),
    ...sectionsOf(objectiveDigestLines(d.objectives).map(esc)),
    ...sectionsOf(ncDigestLines(d.nonconformities).map(esc)),
    ...sectionsOf(surveyDigestLines(d.surveys).map(esc)),
  ];
}

function inventory(d: WeeklyDigest): Block[] {
  const inv = d.inventory;
  const lines = [`*Inventory: ${plural(inv.total, 'system')} in use or planned*`];
  if (inv.total > 0) {
    lines.push(`By risk class: ${counts(inv.byRiskClass, (k) => RISK_LABEL[k] ?? esc(words(k)))}`);
    lines.push(`By department: ${counts(inv.byDepartment.slice(0, 25), esc)}${inv.byDepartment.length > 25 ? ` · …and ${inv.byDepartment.length - 25} more` : ''}`);
  }
  return sectionsOf(lines);
}

/** Renders the digest; a quiet week gets the short form. */
export function renderDigest(d: WeeklyDigest): SlackMessage {
  const blocks: Block[] = [
    header('Weekly AI compliance digest'),
    context(`${esc(d.organization)} · ${esc(d.periodLabel)}`),
  ];
  if (d.quiet) {
    blocks.push(...sectionsOf([':zzz: *A quiet week*: nothing was registered, approved, rejected, sent back or blocked.']));
    const still = waiting(d);
    if (still.length) blocks.push(divider(), ...still);
    blocks.push(...inventory(d));
  } else {
    const a = d.activity;
    blocks.push(weekCounts(d));
    const item = (i: DigestItem) => `${named(i)} (${RISK_LABEL[i.riskClass ?? 'unclassified'] ?? esc(words(i.riskClass ?? ''))}, ${esc(i.department)}, owner ${esc(i.owner)})`;
    blocks.push(
      ...list('Registered', a.registered, item, d.counts.registrations),
      ...list('Approved', a.approved, named, d.counts.approvals),
      ...list('Rejected', a.rejected, named, d.counts.rejections),
      ...list('Changes requested', a.changesRequested, named, d.counts.changesRequested),
      ...list('Blocked as prohibited', a.blocked, named, d.counts.blocked),
    );
    const watch = [
      ...list(':no_entry: Prohibited practices assessed this week', d.prohibited, item, digestTotal(d, 'prohibited')),
      ...list(':warning: High-risk systems assessed this week', d.highRisk, item, digestTotal(d, 'highRisk')),
      ...list(':mag: Hidden AI surfaced (already in use when registered)', d.hiddenAi, item, digestTotal(d, 'hiddenAi')),
      ...list(`:arrows_counterclockwise: Re-triage needed (questionnaire v2): ${digestTotal(d, 'retriageNeeded')}`, d.retriageNeeded ?? [], item, digestTotal(d, 'retriageNeeded')),
      ...list(`:warning: Systems with untreated high risks (${d.untreatedRiskCount ?? 0} risks)`, d.untreatedHighRisks ?? [], item, digestTotal(d, 'untreatedHighRisks')),
    ];
    if (watch.length) blocks.push(divider(), ...watch);
    const still = waiting(d);
    if (still.length) blocks.push(divider(), ...still);
    blocks.push(divider(), ...inventory(d));
  }
  // The foot is never cut: the checkpoint is evidence, and the CSV note tells where the rest is.
  const foot = [...digestCheckpointBlocks(d.checkpoint, d.timezone), context('The full inventory is attached as CSV.')];
  const text = clipMrkdwn(`Weekly AI compliance digest for ${esc(d.organization)}, ${esc(d.periodLabel)}${d.quiet ? ': a quiet week' : ''}`, LIMITS.messageText);
  return { text, blocks: [...limitBlocks(blocks, LIMITS.messageBlocks - foot.length), ...foot] };
}
