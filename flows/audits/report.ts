/**
 * The internal audit report (`export audit-report <id>`, spec/aims.md): Markdown with the scope,
 * the criteria (clauses and controls with their titles), the sample and its seed, the findings
 * by kind, the nonconformities opened and the conclusion. Writing it the first time moves the
 * audit to `reported` with an `audit.reported` event (the report's SHA-256 in it); later exports
 * write the same report again without changing anything. User text is escaped for Markdown.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import { internalAudits } from '../../db/schema-improve';
import { auditedTransaction, appendAudit } from '../audit';
import { markdownText } from '../controls/soa-text';
import { localDateTime } from '../display';
import type { FlowContext } from '../ports';
import { internalAuditRef, parseInternalAuditRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { RISK_CLASS_LABEL } from '../views';
import type { AuditRow } from './access';
import { auditRefOf, isCompliance, loadAudit } from './access';
import type { FindingKind } from './form';
import { FINDING_KIND_LABEL, FINDING_KINDS } from './form';
import type { AuditDetails } from './view';
import { auditDetails } from './view';

/** A written report. */
export interface AuditReport {
  kind: 'report';
  /** internal_audits.id */
  auditId: number;
  ref: string;
  markdown: string;
  /** `audit-report-IA-2026-1.md` */
  filename: string;
  /** True when this export moved the audit to `reported`. */
  reported: boolean;
  findings: number;
}

const md = markdownText;
const cell = (s: string | null | undefined) => (s ? md(s) : '—');
const classLabel = (c: string | null) => (c && c in RISK_CLASS_LABEL ? RISK_CLASS_LABEL[c as keyof typeof RISK_CLASS_LABEL] : 'not classified');

/** The conclusion drawn from the findings and the evidence requests. */
export function auditConclusion(d: Pick<AuditDetails, 'findings' | 'sample'>): string {
  const count = (k: FindingKind) => d.findings.filter((f) => f.kind === k).length;
  const major = count('major_nc');
  const minor = count('minor_nc');
  const open = d.sample.filter((s) => s.request?.status === 'open').length;
  const pending = open ? ` ${open} evidence request${open === 1 ? ' is' : 's are'} still open.` : '';
  if (d.findings.length === 0) return `No findings were recorded in the audited scope.${pending}`;
  if (major) return `The audited scope does not conform: ${major} major and ${minor} minor nonconformit${major + minor === 1 ? 'y was' : 'ies were'} raised; corrective action is required (clause 10.2).${pending}`;
  if (minor) return `The audited scope conforms with exceptions: ${minor} minor nonconformit${minor === 1 ? 'y was' : 'ies were'} raised; corrective action is required (clause 10.2).${pending}`;
  return `The audited scope conforms: no nonconformities were found; ${count('observation')} observation(s) and ${count('ofi')} opportunit${count('ofi') === 1 ? 'y' : 'ies'} for improvement are recorded.${pending}`;
}

/** The report as Markdown. */
export function auditReportMarkdown(d: AuditDetails, o: { organisation: string; timezone: string }): string {
  const lines: string[] = [];
  lines.push(`# Internal audit report ${d.ref}: ${md(d.title)}`, '');
  lines.push(`- Organisation: ${md(o.organisation)}`);
  lines.push(`- Audit date: ${d.plannedFor}`);
  lines.push(`- Status: ${d.status}`);
  lines.push(`- Auditors: ${d.auditors.map(md).join(', ') || '—'}`);
  if (d.reportedAt) lines.push(`- Reported: ${localDateTime(d.reportedAt, o.timezone)}`);
  lines.push('', '## Scope and criteria', '');
  lines.push('ISO/IEC 42001:2023 clause 9.2 internal audit against the criteria below.', '');
  const criteria = [...d.criteria.clauses.map((c) => [`Clause ${c.id}`, c.title]), ...d.criteria.controls.map((c) => [`Control ${c.id}`, c.title])];
  if (criteria.length === 0) lines.push('The whole AI management system (no clauses or controls were named).');
  else {
    lines.push('| Criterion | Title |', '|---|---|');
    for (const [id, title] of criteria) lines.push(`| ${id} | ${cell(title)} |`);
  }
  lines.push('', '## Sample', '');
  lines.push(`Drawn from the approved systems, risk-weighted: up to ${d.sampleSizes.high} high-risk, then up to ${d.sampleSizes.limited} limited-risk, then up to ${d.sampleSizes.minimal} minimal-risk systems, each class in an order shuffled with the seed \`${d.sampleSeed}\` (drawing again with this seed gives the same sample).`, '');
  if (d.sample.length === 0) lines.push('No systems were sampled.');
  else {
    lines.push('| System | Name | Class | Owner | Evidence request | Status | Evidence |', '|---|---|---|---|---|---|---|');
    for (const s of d.sample) lines.push(`| ${s.ref} | ${cell(s.name)} | ${classLabel(s.riskClass)} | ${cell(s.owner)} | ${s.request?.ref ?? '—'} | ${s.request?.status ?? '—'} | ${cell(s.request?.evidence)} |`);
  }
  lines.push('', '## Findings', '');
  if (d.findings.length === 0) lines.push('No findings were recorded.');
  for (const kind of [...FINDING_KINDS].reverse()) {
    const of = d.findings.filter((f) => f.kind === kind);
    if (of.length === 0) continue;
    lines.push(`### ${FINDING_KIND_LABEL[kind]} (${of.length})`, '');
    for (const f of of) {
      lines.push(`- **${f.ref}** — ${f.subjectType} ${md(f.subject)}: ${md(f.text)}`);
      if (f.evidence) lines.push(`  - Evidence: ${md(f.evidence)}`);
      if (f.nc) lines.push(`  - Nonconformity ${f.nc.ref} (${f.nc.severity}, ${f.nc.status})`);
    }
    lines.push('');
  }
  const ncs = d.findings.filter((f) => f.nc);
  lines.push('', '## Nonconformities opened', '');
  if (ncs.length === 0) lines.push('None.');
  else {
    lines.push('| NC | Finding | Severity | Status |', '|---|---|---|---|');
    for (const f of ncs) lines.push(`| ${f.nc!.ref} | ${f.ref} | ${f.nc!.severity} | ${f.nc!.status} |`);
  }
  // The conclusion is the bot's own sentence (auditConclusion), not user text.
  lines.push('', '## Conclusion', '', d.conclusion ?? auditConclusion(d), '');
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Writes the report of a loaded audit; the first time, the audit becomes `reported`. */
export async function writeAuditReport(db: Db, audit: AuditRow, o: { actor: string; now: Date; organisation: string; timezone: string }): Promise<AuditReport> {
  return auditedTransaction(db, async (tx) => {
    const [row] = await tx.select().from(internalAudits).where(eq(internalAudits.id, audit.id)).for('update');
    let current = row!;
    const ref = auditRefOf(current);
    const reported = current.status === 'planned' || current.status === 'fieldwork';
    if (reported) {
      const conclusion = auditConclusion(await auditDetails(tx, current));
      [current] = (await tx.update(internalAudits).set({ status: 'reported', conclusion, reportedAt: o.now, updatedAt: o.now }).where(eq(internalAudits.id, current.id)).returning()) as [AuditRow];
    }
    const details = await auditDetails(tx, current);
    const markdown = auditReportMarkdown(details, o);
    if (reported) {
      await appendAudit(tx, {
        workspaceId: current.workspaceId,
        actor: o.actor,
        action: 'audit.reported',
        subjectType: 'internal_audit',
        subjectId: ref,
        data: {
          status: { from: row!.status, to: 'reported' },
          conclusion: current.conclusion,
          findings: Object.fromEntries(FINDING_KINDS.map((k) => [k, details.findings.filter((f) => f.kind === k).length])),
          ncs: details.findings.flatMap((f) => (f.nc ? [f.nc.ref] : [])),
          report_sha256: createHash('sha256').update(markdown).digest('hex'),
        },
        at: o.now,
      });
    }
    return { kind: 'report', auditId: current.id, ref, markdown, filename: `audit-report-${ref}.md`, reported, findings: details.findings.length };
  });
}

/** `export audit-report <id>` in chat: compliance only, this workspace only. */
export async function auditReportForChat(ctx: FlowContext, text: string): Promise<AuditReport | Refusal> {
  if (!isCompliance(ctx)) return refuse('not_authorised', 'Only the compliance group can write an audit report; nothing was changed.');
  const audit = await loadAudit(ctx.deps.db, ctx.workspace.id, text);
  if ('kind' in audit) return audit;
  const { timezone, name } = ctx.deps.policy.organization;
  return writeAuditReport(ctx.deps.db, audit, { actor: ctx.actor.platformId, now: ctx.deps.clock.now(), organisation: name, timezone });
}

/**
 * `aimsbot export audit-report <id> [--workspace W]`: finds the audit in the workspace named
 * (`slack:T0123`, or the bare team id, tenant id or `local`), or in the only workspace that has it.
 */
export async function auditReportExport(db: Db, text: string, o: { workspace?: string | undefined; now: Date; timezone: string; organisation?: string | undefined }): Promise<AuditReport | Refusal> {
  const parsed = parseInternalAuditRef(text);
  if (!parsed) return refuse('invalid', `"${text.slice(0, 40)}" is not an audit reference; use the form IA-2026-1.`);
  const ref = internalAuditRef(parsed.year, parsed.n);
  const hits = await db
    .select({ audit: internalAudits, platform: workspaces.platform, externalId: workspaces.externalId, name: workspaces.name })
    .from(internalAudits)
    .innerJoin(workspaces, eq(workspaces.id, internalAudits.workspaceId))
    .where(and(eq(internalAudits.year, parsed.year), eq(internalAudits.number, parsed.n)))
    .orderBy(asc(workspaces.id));
  const mine = o.workspace === undefined ? hits : hits.filter((h) => `${h.platform}:${h.externalId}` === o.workspace || h.externalId === o.workspace);
  if (mine.length === 0) return refuse('not_found', `there is no audit ${ref}${o.workspace ? ` in workspace ${o.workspace}` : ''}`);
  if (mine.length > 1) return refuse('invalid', `${ref} exists in ${mine.length} workspaces; name one with --workspace: ${mine.map((h) => `${h.platform}:${h.externalId}`).join(', ')}`);
  const hit = mine[0]!;
  return writeAuditReport(db, hit.audit, { actor: 'cli', now: o.now, organisation: o.organisation ?? hit.name ?? `${hit.platform}:${hit.externalId}`, timezone: o.timezone });
}

/** The report of a reported (or closed) audit of the workspace, for a download link; null otherwise. Changes nothing. */
export async function reportedAuditReport(db: Db, workspaceId: number, auditId: number, o: { now: Date; organisation: string; timezone: string }): Promise<AuditReport | null> {
  const [audit] = await db
    .select()
    .from(internalAudits)
    .where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.id, auditId)));
  if (!audit || (audit.status !== 'reported' && audit.status !== 'closed')) return null;
  return writeAuditReport(db, audit, { actor: 'system', ...o });
}
