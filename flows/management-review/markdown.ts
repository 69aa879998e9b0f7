/**
 * The management review pack as a Markdown document (the chat file, the export and the text of
 * the PDF). User text is made inert with the SoA's Markdown escaping; charts are referenced as
 * PNG files written beside the document (`<ref>-<chart>.png`).
 */
import { markdownText as md } from '../controls/soa-text';
import type { ReviewPack } from './pack';

/** What the review record adds to the pack: decisions and whether it was held. */
export interface ReviewRecordView {
  ref: string;
  status: string;
  heldAt: string | null;
  attendees: string[];
  decisions: Array<{ ref: string; title: string; status: string; dueDate: string; assignee: string }>;
}

/** The file name of a chart's PNG beside the document. */
export function chartFileName(ref: string, chart: string): string {
  return `${ref.toLowerCase()}-${chart}.png`;
}

const pct = (n: number | null) => (n === null ? 'no data' : `${Math.round(n * 10) / 10}`);
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/** The chart names in the order the pack shows them, with their titles. */
export const PACK_CHARTS = [
  { name: 'inventory-by-class', title: 'AI systems in the inventory by risk class' },
  { name: 'review-timeliness', title: 'Review timeliness' },
  { name: 'nc-ageing', title: 'Open nonconformities by age' },
] as const;

/** The whole document. */
export function packMarkdown(pack: ReviewPack, record?: ReviewRecordView, opts: { charts?: boolean } = {}): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(`# Management review ${pack.ref}`);
  line();
  line(`${md(pack.organization)} — ISO/IEC 42001 clause 9.3. Period reviewed: ${pack.periodStart} to ${pack.periodEnd} (${md(pack.timezone)}). Generated ${pack.generatedAt}.`);
  if (record) {
    line();
    line(record.heldAt ? `Held on ${day(record.heldAt)}; attendees: ${record.attendees.map(md).join(', ') || 'not recorded'}.` : 'Not held yet.');
  }
  const a = pack.previousActions;
  line();
  line('## 1. Status of actions from previous management reviews (9.3.2 a)');
  line();
  line(`${a.total} action(s) in all: ${a.open} open (${a.overdue} overdue), ${a.done} done, ${a.notApplicable} not applicable.`);
  for (const t of a.openItems) line(`- ${t.ref} ${md(t.title)} — ${md(t.assignee)}, due ${t.dueDate}${t.overdue ? ' (overdue)' : ''}${t.review ? `, from ${t.review}` : ''}`);
  const i = pack.issues;
  line();
  line('## 2. Changes in external and internal issues (9.3.2 b)');
  line();
  line(`### Obligations that start to apply by ${i.horizon}`);
  line();
  if (i.upcomingObligations.length === 0) line('None.');
  for (const o of i.upcomingObligations) line(`- ${md(o.id)} applies from ${o.applicableFrom}: ${o.systems.length ? o.systems.join(', ') : 'no system in the inventory carries it yet'}`);
  line();
  line('### Inventory');
  line();
  line(`${i.inventory.total} system(s) in the inventory; ${i.inventory.added} registered and ${i.inventory.retired} retired in the period.`);
  line(`By risk class: ${i.inventory.byClass.map((c) => `${md(c.key)} ${c.count}`).join(', ') || 'none'}.`);
  for (const s of i.inventory.addedSystems) line(`- new: ${s.ref} ${md(s.name)} (${md(s.riskClass ?? 'unclassified')})`);
  line();
  line('## 3. Objectives and measurements (9.3.2 c, 6.2, 9.1)');
  line();
  if (pack.objectives.length === 0) line('No objectives are set in the policy (`objectives`).');
  else {
    line('| objective | metric | target | latest | met | trend (last 8 weeks) |');
    line('|---|---|---|---|---|---|');
    for (const o of pack.objectives) {
      const target = `${o.direction === 'at_least' ? '≥' : '≤'} ${o.target}`;
      const trend = o.trend.map((t) => pct(t.value)).join(' → ') || 'no data';
      line(`| ${md(o.name)} | ${md(o.metric)} | ${target} | ${pct(o.latest)}${o.week ? ` (week of ${o.week})` : ''} | ${o.met === null ? '—' : o.met ? 'yes' : 'no'} | ${trend} |`);
    }
  }
  const n = pack.nonconformities;
  line();
  line('## 4. Nonconformities and corrective actions (9.3.2 d 1, 10.2)');
  line();
  line(`${n.open} open (${n.openMajor} major, ${n.openMinor} minor); ${n.openedInPeriod} opened and ${n.closedInPeriod} closed in the period.`);
  line(`Corrective actions: ${n.correctiveActions.open} open (${n.correctiveActions.overdue} overdue), ${n.correctiveActions.done} done.`);
  for (const x of n.openItems) line(`- ${x.ref} (${x.severity}, ${x.status}, ${x.ageDays} days old, from ${md(x.source)}) ${md(x.description)} — owner ${md(x.owner)}; actions ${x.actionsDone} done, ${x.actionsOpen} open`);
  line();
  line('## 5. Audit results (9.3.2 d 3, 9.2)');
  line();
  if (pack.audits.length === 0) line('No internal audit in the period.');
  for (const au of pack.audits) {
    const f = au.findings;
    line(`- ${au.ref} ${md(au.title)} (${au.status}, planned for ${au.plannedFor}): ${f.major_nc} major NC, ${f.minor_nc} minor NC, ${f.observation} observation(s), ${f.ofi} OFI, ${f.conformity} conformity${au.conclusion ? `. Conclusion: ${md(au.conclusion)}` : ''}`);
    for (const x of au.ncFindings ?? []) line(`  - ${x.ref} (${x.kind}, ${md(x.subject)}) ${md(x.text)}${x.nc ? ` — opened ${x.nc} (${x.ncStatus})` : ''}`);
  }
  const inc = pack.incidents;
  line();
  line('## 6. Incidents (A.8.4, Art. 26(5), Art. 73)');
  line();
  line(`${inc.total} incident(s) in the period, ${inc.serious} serious.`);
  for (const x of inc.items) {
    const report = x.serious ? `; authority report due ${day(x.authorityReportDueAt)}${x.authorityReportedAt ? `, made ${day(x.authorityReportedAt)}` : ', not made yet'}` : '';
    line(`- ${x.ref} ${md(x.system)} on ${day(x.occurredAt)}: harm ${md(x.harm)}${x.serious ? ' (serious)' : ''}${report}${x.nc ? `; ${x.nc}` : ''}`);
  }
  line();
  line('## 7. Opportunities for improvement (9.3.2 e)');
  line();
  if (pack.improvements.length === 0) line('None recorded in the period.');
  for (const o of pack.improvements) line(`- ${o.ref} (${md(o.subject)}) ${md(o.text)}`);
  if (opts.charts !== false) {
    line();
    line('## Charts');
    line();
    for (const c of PACK_CHARTS) line(`![${c.title}](${chartFileName(pack.ref, c.name)})`);
  }
  if (record) {
    line();
    line('## Decisions (9.3.3)');
    line();
    if (record.decisions.length === 0) line('No decision recorded yet.');
    for (const d of record.decisions) line(`- ${d.ref} ${md(d.title)} — ${md(d.assignee)}, due ${d.dueDate} (${d.status})`);
  }
  line();
  return out.join('\n');
}

/** A short plain summary (chat message text and notifications). */
export function packSummary(pack: ReviewPack): string {
  const n = pack.nonconformities;
  const met = pack.objectives.filter((o) => o.met === true).length;
  return [
    `Management review ${pack.ref} (${pack.periodStart} to ${pack.periodEnd})`,
    `Previous review actions: ${pack.previousActions.open} open, ${pack.previousActions.overdue} overdue, ${pack.previousActions.done} done`,
    `Inventory: ${pack.issues.inventory.total} systems (${pack.issues.inventory.added} new, ${pack.issues.inventory.retired} retired); ${pack.issues.upcomingObligations.length} obligation date(s) in the next 6 months`,
    `Objectives: ${met} of ${pack.objectives.length} met`,
    `Nonconformities: ${n.open} open (${n.openMajor} major); corrective actions ${n.correctiveActions.open} open, ${n.correctiveActions.overdue} overdue`,
    `Audits: ${pack.audits.length}; incidents: ${pack.incidents.total} (${pack.incidents.serious} serious); opportunities for improvement: ${pack.improvements.length}`,
  ].join('\n');
}
