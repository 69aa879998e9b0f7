/**
 * The weekly digest as an Adaptive Card, rendered from the neutral `WeeklyDigest`. Lists are cut
 * with "…and N more" and cut harder until the whole message fits the Teams limit of about 28 KB.
 */
import type { DigestCount, DigestItem, WeeklyDigest } from '../../flows';
import { digestTotal, roleLabel, taskDigestLines } from '../../flows';
import { discoveryDigestLines } from '../../flows';
import { objectiveDigestLines } from '../../flows';
import { ncDigestLines } from '../../flows';
import { surveyDigestLines } from '../../flows';
import type { CardJson } from './card-kit';
import { adaptiveCard, facts, heading, markdown, textBlock, truncate } from './card-kit';
import { digestCheckpointBlocks } from './checkpoint-card';
import { age } from './job-cards';
import { localDay } from '../../flows/display';

/** Teams refuses messages above about 28 KB; leave room for the envelope. */
export const MESSAGE_MAX_BYTES = 26_000;

/** Items per list before "…and N more", tried in this order until the card fits. */
const LIST_LIMITS = [15, 8, 4, 1];

/** Someone involved in the digest who has not installed the app. */
export interface NotInstalled {
  name: string;
}

/** Longest system name shown; lists stay readable and "…and N more" is never cut off. */
const NAME_MAX = 80;

const item = (i: DigestItem) => `${i.ref} ${truncate(i.name, NAME_MAX)}`;

function more(total: number, shown: number): string {
  return total > shown ? ` …and ${total - shown} more` : '';
}

function names(items: DigestItem[], limit: number, total = items.length): string {
  const shown = items.slice(0, limit);
  return shown.map(item).join(', ') + more(Math.max(total, items.length), shown.length);
}

function listFacts<T>(items: T[], limit: number, pair: (x: T) => [string, string], total = items.length): CardJson[] {
  const shown = items.slice(0, limit);
  const rest = Math.max(total, items.length) - shown.length;
  const out: CardJson[] = [facts(shown.map(pair))];
  if (rest > 0) out.push(textBlock(`…and ${rest} more`, { isSubtle: true, spacing: 'None' }));
  return out;
}

function counts(rows: DigestCount[], limit: number): CardJson[] {
  return listFacts(rows, limit, (c) => [truncate(c.key.replace(/_/g, ' '), NAME_MAX), String(c.count)]);
}

function section(title: string): CardJson {
  return textBlock(markdown`**${title}**`, { separator: true, spacing: 'Medium' });
}

function notInstalledBlock(people: NotInstalled[], limit: number): CardJson[] {
  if (people.length === 0) return [];
  const shown = people.slice(0, Math.max(limit, 1)).map((p) => truncate(p.name, NAME_MAX)).join(', ');
  return [
    section('Not installed'),
    textBlock(
      `${shown}${more(people.length, Math.max(limit, 1))} ${people.length === 1 ? 'has' : 'have'} not installed the aimsbot app, ` +
        'so their reminders are posted in the approvals channel with a mention instead of a direct message. Ask them to add the app in Teams.',
      { color: 'Warning' },
    ),
  ];
}

/** The approval steps nobody can decide, with why. */
function stuckBlocks(d: WeeklyDigest, limit: number): CardJson[] {
  if (!d.stuckSteps?.length) return [];
  return [
    section(`Stuck approvals: nobody can decide (${digestTotal(d, 'stuckSteps')})`),
    ...listFacts(d.stuckSteps, limit, (s) => [item(s), `the ${roleLabel(s.role)} step: ${s.why}`], digestTotal(d, 'stuckSteps')),
  ];
}

/** Overdue tasks and tasks marked not applicable, one escaped line each. */
function taskLines(d: WeeklyDigest): CardJson[] {
  return [...taskDigestLines(d.tasks), ...ncDigestLines(d.nonconformities), ...objectiveDigestLines(d.objectives), ...surveyDigestLines(d.surveys)].map((l) => textBlock(l, { spacing: 'None' }));
}

/** Tools found by discovery and not registered yet, one escaped line each. */
function discoveryLines(d: WeeklyDigest): CardJson[] {
  return discoveryDigestLines(d.discovery, d.timezone || 'UTC').map((l) => textBlock(l, { spacing: 'None' }));
}

function render(d: WeeklyDigest, notInstalled: NotInstalled[], limit: number): CardJson {
  const body: CardJson[] = [heading(`Weekly AI compliance digest — ${d.organization}`), textBlock(`${d.periodLabel} (${d.timezone})`, { isSubtle: true, spacing: 'None' })];
  const c = d.counts;
  if (d.quiet) {
    body.push(
      textBlock('A quiet week: nothing was registered, approved, rejected, sent back or blocked.'),
      facts([
        ['Pending approvals', String(digestTotal(d, 'pendingApprovals'))],
        ['Overdue reviews', String(digestTotal(d, 'reviewsOverdue'))],
        ['Reviews due in 14 days', String(digestTotal(d, 'reviewsDueSoon'))],
        ['Systems in the inventory', String(d.inventory.total)],
      ]),
      // A step nobody can decide is news even in a quiet week.
      ...stuckBlocks(d, limit),
      ...taskLines(d),
      ...discoveryLines(d),
      ...notInstalledBlock(notInstalled, limit),
      ...digestCheckpointBlocks(d.checkpoint),
    );
    return adaptiveCard(body);
  }
  body.push(
    facts(periodCounts(c)),
  );
  const a = d.activity;
  const lines = (
    [
      ['Registered', a.registered, c.registrations],
      ['Approved', a.approved, c.approvals],
      ['Rejected', a.rejected, c.rejections],
      ['Changes requested', a.changesRequested, c.changesRequested],
      ['Blocked (prohibited)', a.blocked, c.blocked],
      ['⚠ High-risk assessed', d.highRisk, digestTotal(d, 'highRisk')],
      ['⛔ Prohibited assessed', d.prohibited, digestTotal(d, 'prohibited')],
      ['Hidden AI (in use before registration)', d.hiddenAi, digestTotal(d, 'hiddenAi')],
      [`Re-triage needed (questionnaire v2): ${digestTotal(d, 'retriageNeeded')}`, d.retriageNeeded ?? [], digestTotal(d, 'retriageNeeded')],
      [`⚠ Systems with untreated high risks (${d.untreatedRiskCount ?? 0} risks)`, d.untreatedHighRisks ?? [], digestTotal(d, 'untreatedHighRisks')],
    ] as Array<[string, DigestItem[], number]>
  )
    .filter(([, items]) => items.length > 0)
    .map(([label, items, total]) => markdown`- **${label}:** ${names(items, limit, total)}`);
  if (lines.length) body.push(section('This week'), ...lines.map((l) => textBlock(l, { spacing: 'None' })));
  if (d.pendingApprovals.length) {
    body.push(section(`Pending approvals (${digestTotal(d, 'pendingApprovals')})`));
    body.push(...listFacts(d.pendingApprovals, limit, (p) => [item(p), `waiting ${age(p.ageHours)} for ${p.waitingFor.join(', ') || 'nobody'}`], digestTotal(d, 'pendingApprovals')));
  }
  body.push(...stuckBlocks(d, limit));
  if (d.reviewsOverdue.length) {
    body.push(section(`Overdue reviews (${digestTotal(d, 'reviewsOverdue')})`));
    body.push(...listFacts(d.reviewsOverdue, limit, (r) => [item(r), `${r.overdueDays} days overdue — owner ${r.owner}`], digestTotal(d, 'reviewsOverdue')));
  }
  if (d.reviewsDueSoon.length) {
    body.push(section(`Reviews due in the next 14 days (${digestTotal(d, 'reviewsDueSoon')})`));
    body.push(...listFacts(d.reviewsDueSoon, limit, (r) => [item(r), `due ${localDay(new Date(r.dueAt), d.timezone || 'UTC')} — owner ${r.owner}`], digestTotal(d, 'reviewsDueSoon')));
  }
  body.push(...taskLines(d));
  body.push(...discoveryLines(d));
  body.push(section(`Inventory: ${d.inventory.total} system${d.inventory.total === 1 ? '' : 's'}`));
  if (d.inventory.total > 0) {
    body.push(textBlock('By risk class', { isSubtle: true }), ...counts(d.inventory.byRiskClass, limit));
    body.push(textBlock('By department', { isSubtle: true }), ...counts(d.inventory.byDepartment, limit));
  }
  body.push(...notInstalledBlock(notInstalled, limit));
  body.push(textBlock(markdown`The full inventory as CSV: \`aimsbot export inventory\`.`, { isSubtle: true, size: 'Small', separator: true }));
  body.push(...digestCheckpointBlocks(d.checkpoint));
  return adaptiveCard(body);
}

/** Bytes of a card as it travels. */
export function cardBytes(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** The digest card, with lists shortened until it fits `maxBytes`. */
export function digestCard(d: WeeklyDigest, notInstalled: NotInstalled[] = [], maxBytes = MESSAGE_MAX_BYTES): CardJson {
  let card: CardJson = {};
  for (const limit of LIST_LIMITS) {
    card = render(d, notInstalled, limit);
    if (cardBytes(card) <= maxBytes) return card;
  }
  // Even one item per list is too much (absurdly long names): the counts alone.
  const c = d.counts;
  return adaptiveCard([
    heading(`Weekly AI compliance digest — ${d.organization.slice(0, 200)}`),
    textBlock(d.periodLabel, { isSubtle: true, spacing: 'None' }),
    facts([
      ...periodCounts(c),
      ['Pending approvals', String(digestTotal(d, 'pendingApprovals'))],
      ['Overdue reviews', String(digestTotal(d, 'reviewsOverdue'))],
      ['Systems in the inventory', String(d.inventory.total)],
    ]),
    textBlock(markdown`The details are too long for one Teams message; see \`aimsbot export inventory\`.`, { isSubtle: true }),
    ...digestCheckpointBlocks(d.checkpoint),
  ]);
}

/** The period's counts, as fact rows. */
function periodCounts(c: WeeklyDigest['counts']): Array<[string, string]> {
  return [
    ['Registrations', String(c.registrations)],
    ['Approvals', String(c.approvals)],
    ['Rejections', String(c.rejections)],
    ['Changes requested', String(c.changesRequested)],
    ['Blocked', String(c.blocked)],
  ];
}
