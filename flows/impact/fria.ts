/**
 * `export fria <ref>` (spec/aims.md): the fundamental rights impact assessment of a system as a
 * Markdown document and as JSON (snake_case keys like the other exports), with the Art. 27(1)
 * (a)–(f) elements, the system, the assessor and the date. Refused, with the reason, when the
 * `fria` obligation does not apply or no assessment has filled the Art. 27 elements.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people, workspaces } from '../../db/schema';
import { impactAssessments } from '../../db/schema-aims';
import { localDay } from '../display';
import { impactRef } from '../refs';
import { stripBidi } from '../triage/text';
import { loadSystemView, parseSystemRef, RISK_CLASS_LABEL, systemRef } from '../views';
import { friaApplies } from './assess';
import { FRIA_QUESTIONS, IMPACT_QUESTIONS } from './questions';

/** One Art. 27(1) element in the export. */
export interface FriaElement {
  point: string;
  article: string;
  label: string;
  answer: string;
}

/** The JSON export of a FRIA. */
export interface FriaRecord {
  workspace: string;
  system: { ref: string; name: string; vendor: string; purpose: string; owner: string; department: string; risk_class: string | null; status: string };
  assessment: { ref: string; version: number; assessed_by: string | null; assessed_at: string; due_at: string | null };
  elements: FriaElement[];
  /** The A.5.4 and A.5.5 answers of the same assessment. */
  impact: Array<{ id: string; clause: string; label: string; answer: string }>;
}

/** The FRIA of a system, or why there is none. */
export type FriaResult = { kind: 'ok'; record: FriaRecord; markdown: string } | { kind: 'refused'; message: string };

/**
 * Finds the system by reference (`organisation`: the policy's organisation name for the header); `workspace` (a workspace's external id, e.g. a Slack team id)
 * is needed only when the reference exists in more than one workspace.
 */
export async function friaExport(db: Db, ref: string, o: { workspace?: string | undefined; timezone: string; organisation?: string | undefined }): Promise<FriaResult> {
  const n = parseSystemRef(ref);
  if (n === null) return { kind: 'refused', message: `"${ref}" is not a system reference; use the form AI-12.` };
  const found = await db
    .select({ id: aiSystems.id, workspaceId: aiSystems.workspaceId, externalId: workspaces.externalId, platform: workspaces.platform, wsName: workspaces.name })
    .from(aiSystems)
    .innerJoin(workspaces, eq(workspaces.id, aiSystems.workspaceId))
    .where(eq(aiSystems.refNumber, n));
  const inScope = o.workspace ? found.filter((f) => f.externalId === o.workspace) : found;
  if (inScope.length === 0) return { kind: 'refused', message: `There is no system AI-${n}${o.workspace ? ` in workspace ${o.workspace}` : ''}.` };
  if (inScope.length > 1) {
    return { kind: 'refused', message: `AI-${n} exists in ${inScope.length} workspaces (${inScope.map((f) => f.externalId).join(', ')}); name one with --workspace.` };
  }
  const hit = inScope[0]!;
  const system = (await loadSystemView(db, hit.workspaceId, hit.id))!;
  if (!friaApplies(system)) {
    return { kind: 'refused', message: `${system.ref} has no FRIA: the fundamental rights impact assessment (Art. 27) does not apply to its classification.` };
  }
  const [row] = await db
    .select({ ia: impactAssessments, by: people.displayName, byId: people.platformId })
    .from(impactAssessments)
    .leftJoin(people, eq(people.id, impactAssessments.assessedById))
    .where(and(eq(impactAssessments.workspaceId, hit.workspaceId), eq(impactAssessments.systemId, hit.id), eq(impactAssessments.fria, true)))
    .orderBy(desc(impactAssessments.number))
    .limit(1);
  if (!row) return { kind: 'refused', message: `${system.ref} has no FRIA yet: no impact assessment has filled the Art. 27 elements. Run "impact ${system.ref}" first.` };
  const answers = row.ia.answers as Record<string, string>;
  const record: FriaRecord = {
    workspace: o.organisation ?? hit.wsName ?? `${hit.platform}:${hit.externalId}`,
    system: {
      ref: system.ref,
      name: system.name,
      vendor: system.vendor,
      purpose: system.purpose,
      owner: system.owner.name,
      department: system.department,
      risk_class: system.riskClass,
      status: system.status,
    },
    assessment: {
      ref: impactRef(systemRef(n), row.ia.number),
      version: row.ia.version,
      assessed_by: row.by ?? row.byId ?? null,
      assessed_at: row.ia.createdAt.toISOString(),
      due_at: row.ia.dueAt?.toISOString() ?? null,
    },
    elements: FRIA_QUESTIONS.map((q) => ({ point: q.point!, article: `Art. 27(1)(${q.point})`, label: q.label, answer: answers[q.id] ?? '' })),
    impact: IMPACT_QUESTIONS.map((q) => ({ id: q.id, clause: q.group, label: q.label, answer: answers[q.id] ?? '' })),
  };
  return { kind: 'ok', record, markdown: friaMarkdown(record, o.timezone) };
}

/**
 * Text typed by people, made literal in a Markdown document: a backslash before every character
 * that could start formatting, a link, HTML or a table cell, and before a line's list or heading
 * marker; bidirectional controls dropped.
 */
export function literalMarkdown(text: string): string {
  return stripBidi(text)
    .split(/\r?\n/)
    .map((line) => line.replace(/[\\`*_{}[\]<>()#|~&!]/g, (c) => `\\${c}`).replace(/^(\s*)([-+=>]|\d+[.)])/, (_m, sp: string, mark: string) => `${sp}\\${mark}`))
    .join('\n');
}

const quoted = (text: string) => (text ? literalMarkdown(text).split('\n').map((l) => `> ${l}`).join('\n') : '> (not answered)');

/** The Markdown document of a FRIA. */
export function friaMarkdown(r: FriaRecord, tz: string): string {
  const s = r.system;
  const lines = [
    `# Fundamental rights impact assessment — ${s.ref} ${literalMarkdown(s.name)}`,
    '',
    'EU AI Act Art. 27; ISO/IEC 42001 6.1.4, 8.4, A.5.',
    '',
    `- Organisation: ${literalMarkdown(r.workspace)}`,
    `- System: ${s.ref} ${literalMarkdown(s.name)}${s.vendor ? ` (${literalMarkdown(s.vendor)})` : ''}`,
    `- Risk class: ${s.risk_class ? RISK_CLASS_LABEL[s.risk_class as keyof typeof RISK_CLASS_LABEL] : 'not classified'}`,
    `- Owner: ${literalMarkdown(s.owner)}${s.department ? `, ${literalMarkdown(s.department)}` : ''}`,
    `- Assessment: ${r.assessment.ref} (questions version ${r.assessment.version})`,
    `- Assessor: ${literalMarkdown(r.assessment.assessed_by ?? 'unknown')}`,
    `- Date: ${localDay(new Date(r.assessment.assessed_at), tz)}`,
    `- Next due: ${r.assessment.due_at ? localDay(new Date(r.assessment.due_at), tz) : 'with the next review'}`,
    '',
    '## Purpose as registered',
    '',
    quoted(s.purpose),
    '',
    '## Art. 27(1) elements',
  ];
  for (const e of r.elements) lines.push('', `### (${e.point}) ${e.label}`, '', quoted(e.answer));
  lines.push('', '## Impact on individuals, groups and society (A.5.4, A.5.5)');
  for (const i of r.impact) lines.push('', `### ${i.clause} ${i.label}`, '', quoted(i.answer));
  return `${lines.join('\n')}\n`;
}
