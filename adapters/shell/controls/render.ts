/** The control register and the Statement of Applicability as terminal text. */
import type { ControlEntry, ControlsPage, SoaDocument } from '../../../flows';
import { APPLICABILITY_LABEL, CONTROL_STATUS_LABEL, stripBidi } from '../../../flows';

/** One control on a line, with why it applies (or that a justification is needed). */
export function renderControlLine(e: ControlEntry): string {
  const applicable = e.applicable ? 'applicable' : 'not applicable';
  const flag = e.justification_needed ? '  ⚠ justification needed' : '';
  const owner = e.owner ? `, owner ${e.owner}` : '';
  const planned = e.planned_systems.length ? `\n      planned: ${e.planned_systems.map((s) => `${s.ref} ${s.name}`).join(', ')}` : '';
  const why = e.justification ? `\n      ${e.justification}` : '';
  // Text is printed as typed, but without bidirectional controls, which would reorder the line.
  return stripBidi(`  ${e.control} ${e.title} — ${applicable}, ${CONTROL_STATUS_LABEL[e.status]}${owner}${flag}${why}${planned}`);
}

/** A page of the register. */
export function renderControlsPage(p: ControlsPage): string {
  const c = p.counts;
  const head = `control register: ${c.controls} controls, ${c.applicable} applicable, ${c.implemented} implemented, ${c.justificationNeeded} need a justification`;
  const sel = `${p.filter === 'all' ? 'all' : p.filter}: ${p.total} — page ${p.page} of ${p.pages}`;
  const more = p.page < p.pages ? `\n(next page: controls ${p.filter === 'all' ? '' : `${p.filter} `}${p.page + 1})` : '';
  const body = p.entries.length ? p.entries.map(renderControlLine).join('\n') : '  (none)';
  return `${head}\n${sel}\n${body}${more}\n(edit one: controls edit <id>; add one: controls add <title>)`;
}

/** One control in full, for the edit conversation. */
export function renderControl(e: ControlEntry): string {
  const lines = [
    renderControlLine(e),
    `  systems: ${e.systems.map((s) => `${s.ref} ${s.name}`).join(', ') || '—'}`,
    `  risks: ${e.risks.map((r) => `${r.ref} ${r.source}`).join(', ') || '—'}`,
    `  evidence: ${e.evidence.join(' · ') || '—'}`,
    `  last review: ${e.reviewed_at ? e.reviewed_at.slice(0, 10) : 'never'}`,
  ];
  return lines.join('\n');
}

/** The summary printed with the SoA file. */
export function renderSoaSummary(draft: SoaDocument, latest: SoaDocument | null, path: string): string {
  const c = draft.snapshot.controls;
  const same = latest?.hash === draft.hash;
  const status = latest ? (same ? `unchanged since ${latest.version} (approved by ${latest.approved_by} on ${latest.approved_at?.slice(0, 10)})` : `changed since ${latest.version}`) : 'no version approved yet';
  return stripBidi([
    `Statement of Applicability written to ${path}`,
    `  ${c.filter((e) => e.applicable).length} of ${c.length} controls applicable; ${c.filter((e) => e.justification_needed).length} need a justification; ${status}`,
    `  draft SHA-256 ${draft.hash}`,
    same ? '' : `  approve it with: soa approve ${draft.hash.slice(0, 12)}`,
  ]
    .filter(Boolean)
    .join('\n'));
}

/** How the applicability choice reads. */
export const applicabilityText = (v: keyof typeof APPLICABILITY_LABEL) => APPLICABILITY_LABEL[v];
