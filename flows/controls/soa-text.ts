/**
 * The Statement of Applicability and the control register as files: JSON (real types), CSV
 * (through the export CSV writer, which neutralises formulas) and Markdown (the file sent in chat
 * and `export soa --format md`). Each starts with, or carries, the header an auditor signs off:
 * organisation, AIMS scope statement, version, approver and date.
 */
import { CSV_BOM, toCsv } from '../exports';
import { stripBidi } from '../triage/text';
import { CONTROL_STATUS_LABEL } from './form';
import type { ControlEntry } from './register';
import type { SoaDocument } from './soa';

/** The SoA as JSON: the header fields, then the planned systems and the controls. */
export function soaJson(doc: SoaDocument): string {
  const { snapshot: s, ...header } = doc;
  const out = { organisation: s.organisation, aims_scope: s.aims_scope, ...header, planned_systems: s.planned_systems, controls: s.controls };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The CSV columns of one control (the register and the SoA). */
export const CONTROL_COLUMNS = [
  'control', 'group', 'title', 'custom', 'applicable', 'basis', 'systems', 'planned_systems', 'obligations', 'risks',
  'justification', 'justification_needed', 'status', 'owner', 'owner_id', 'evidence', 'reviewed_at',
] as const;

/** The SoA header, repeated on every CSV row so each row stands on its own when filtered. */
export const SOA_HEADER_COLUMNS = ['soa_version', 'organisation', 'aims_scope', 'approved_by', 'approved_at', 'soa_hash'] as const;

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** A control as CSV cells (lists joined with `; `). */
export function controlCells(e: ControlEntry): Record<(typeof CONTROL_COLUMNS)[number], string> {
  return {
    control: e.control,
    group: e.group,
    title: e.title,
    custom: yesNo(e.custom),
    applicable: yesNo(e.applicable),
    basis: e.basis,
    systems: e.systems.map((s) => `${s.ref} ${s.name}`).join('; '),
    planned_systems: e.planned_systems.map((s) => `${s.ref} ${s.name}`).join('; '),
    obligations: e.obligations.map((o) => `${o.obligation} (${o.ref}${o.from ? `; from ${o.from}` : ''}; ${o.systems.join(', ')})`).join('; '),
    risks: e.risks.map((r) => `${r.ref} ${r.source}`).join('; '),
    justification: e.justification,
    justification_needed: yesNo(e.justification_needed),
    status: e.status,
    owner: e.owner ?? '',
    owner_id: e.owner_id ?? '',
    evidence: e.evidence.join('; '),
    reviewed_at: e.reviewed_at ?? '',
  };
}

/** The SoA as CSV with a BOM: one row per control, with the header columns after the control's. */
export function soaCsv(doc: SoaDocument): string {
  const header = {
    soa_version: doc.version,
    organisation: doc.snapshot.organisation,
    aims_scope: doc.snapshot.aims_scope ?? '',
    approved_by: doc.approved_by ?? '',
    approved_at: doc.approved_at ?? '',
    soa_hash: doc.hash,
  };
  const rows = doc.snapshot.controls.map((c) => ({ ...controlCells(c), ...header }));
  return CSV_BOM + toCsv(rows, [...CONTROL_COLUMNS, ...SOA_HEADER_COLUMNS]);
}

/** The register as CSV with a BOM. */
export function controlsCsv(entries: readonly ControlEntry[]): string {
  return CSV_BOM + toCsv(entries.map(controlCells), CONTROL_COLUMNS);
}

/** The register as JSON. */
export function controlsJson(entries: readonly ControlEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/**
 * User text as inert Markdown for a file: on one line, with every character Markdown or HTML
 * could act on escaped (a table cell's `|` too), and bidirectional controls dropped.
 */
export function markdownText(text: string): string {
  return stripBidi(text)
    .replace(/[\r\n\u2028\u2029\t]+/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+\-.!|~&@=:"']/g, (c) => `\\${c}`);
}

/** The SoA as a Markdown document: header, then one table per control group. */
export function soaMarkdown(doc: SoaDocument): string {
  const s = doc.snapshot;
  const md = markdownText;
  const lines = [
    `# Statement of Applicability — ${md(s.organisation)}`,
    '',
    `- **Version:** ${doc.version === 'draft' ? 'draft (not approved)' : doc.version}`,
    `- **Approved by:** ${doc.approved_by ? md(doc.approved_by) : '—'}`,
    `- **Approved on:** ${doc.approved_at ? doc.approved_at.slice(0, 10) : '—'}`,
    `- **AIMS scope:** ${s.aims_scope ? md(s.aims_scope) : 'not stated (set organization.aimsScope in the policy)'}`,
    `- **SHA-256:** \`${doc.hash}\``,
    `- **Applicable:** ${s.controls.filter((c) => c.applicable).length} of ${s.controls.length} controls; justification needed: ${s.controls.filter((c) => c.justification_needed).length}`,
    '',
  ];
  if (s.planned_systems.length) lines.push(`Planned (waiting for approval, not counted as live): ${s.planned_systems.map((p) => `${p.ref} ${md(p.name)}`).join(', ')}`, '');
  let group = '';
  for (const c of s.controls) {
    if (c.group !== group) {
      group = c.group;
      lines.push(`## ${md(group)}`, '', '| Control | Applicable | Status | Owner | Justification | Evidence |', '|---|---|---|---|---|---|');
    }
    const applicable = c.applicable ? 'yes' : 'no';
    const why = c.justification_needed ? `**justification needed** ${md(c.justification)}` : md(c.justification);
    const planned = c.planned_systems.length ? ` Planned: ${c.planned_systems.map((p) => `${p.ref} ${md(p.name)}`).join(', ')}` : '';
    lines.push(`| ${c.control} ${md(c.title)} | ${applicable} | ${CONTROL_STATUS_LABEL[c.status]} | ${c.owner ? md(c.owner) : '—'} | ${why}${planned} | ${c.evidence.map(md).join(' · ') || '—'} |`);
  }
  return `${lines.join('\n')}\n`;
}
