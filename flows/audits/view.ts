/**
 * `audit <id>` as a neutral view (compliance and the audit's auditors): scope and criteria with
 * titles, auditors, the sample with classes and the seed, each sampled system's evidence request
 * and its status, the findings with the NCs they opened, and whether the viewer may record one.
 * The report and the export read the same details.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { auditFindings, nonconformities } from '../../db/schema-improve';
import type { FlowContext } from '../ports';
import { findingRef, ncRef, taskRef } from '../refs';
import type { Refusal } from '../results';
import { systemRef } from '../views';
import type { AuditRow, AuditStatus } from './access';
import { auditRefOf, isAuditorOf, readableAudit } from './access';
import { criterionTitle, customControls } from './criteria';
import type { FindingKind } from './form';
import { evidenceKey } from './plan';

/** One sampled system with its evidence request. */
export interface SampledSystemView {
  ref: string;
  name: string;
  riskClass: string | null;
  owner: string;
  /** The evidence request (`T-12`), its status and the evidence given. */
  request: { ref: string; status: string; dueDate: string; evidence: string | null } | null;
}

/** One finding. */
export interface FindingView {
  /** `IA-2026-1/F-3` */
  ref: string;
  subjectType: string;
  subject: string;
  kind: FindingKind;
  text: string;
  evidence: string | null;
  recordedBy: string | null;
  recordedAt: Date;
  /** The NC it opened (`NC-7`) and its status. */
  nc: { ref: string; status: string; severity: string } | null;
}

/** An audit in full. */
export interface AuditDetails {
  id: number;
  /** `IA-2026-1` */
  ref: string;
  title: string;
  status: AuditStatus;
  plannedFor: string;
  criteria: { clauses: Array<{ id: string; title: string }>; controls: Array<{ id: string; title: string }> };
  auditors: string[];
  sampleSizes: { high: number; limited: number; minimal: number };
  sampleSeed: string;
  sample: SampledSystemView[];
  findings: FindingView[];
  conclusion: string | null;
  reportedAt: Date | null;
}

/** What `audit <id>` shows. */
export interface AuditView extends AuditDetails {
  kind: 'audit';
  /** The viewer is one of its auditors and the report is not written yet. */
  canRecordFinding: boolean;
}

const nameOf = (p: { displayName: string | null; platformId: string }) => p.displayName ?? p.platformId.replace(/^email:/, '');

/** Loads an audit's details (scope titles, sample, requests, findings, NCs). */
export async function auditDetails(db: Db, audit: AuditRow): Promise<AuditDetails> {
  const ws = audit.workspaceId;
  const custom = await customControls(db, ws);
  const systems = audit.sample.length ? await db.select().from(aiSystems).where(and(eq(aiSystems.workspaceId, ws), inArray(aiSystems.id, audit.sample))) : [];
  const findings = await db.select().from(auditFindings).where(and(eq(auditFindings.workspaceId, ws), eq(auditFindings.auditId, audit.id))).orderBy(asc(auditFindings.number));
  const personIds = [...new Set([...audit.auditorIds, ...systems.map((s) => s.ownerId), ...findings.map((f) => f.recordedById).filter((x): x is number => x !== null)])];
  const names = new Map(personIds.length ? (await db.select().from(people).where(and(eq(people.workspaceId, ws), inArray(people.id, personIds)))).map((p) => [p.id, nameOf(p)] as const) : []);
  const keys = audit.sample.map((id) => evidenceKey(audit.id, id));
  const requests = keys.length ? await db.select().from(tasks).where(and(eq(tasks.workspaceId, ws), inArray(tasks.dedupeKey, keys))) : [];
  const ncs = findings.length ? await db.select().from(nonconformities).where(and(eq(nonconformities.workspaceId, ws), inArray(nonconformities.findingId, findings.map((f) => f.id)))) : [];
  const ref = auditRefOf(audit);
  return {
    id: audit.id,
    ref,
    title: audit.title,
    status: audit.status as AuditStatus,
    plannedFor: audit.plannedFor,
    criteria: {
      clauses: audit.scope.clauses.map((id) => ({ id, title: criterionTitle(id, custom) })),
      controls: audit.scope.controls.map((id) => ({ id, title: criterionTitle(id, custom) })),
    },
    auditors: audit.auditorIds.map((id) => names.get(id) ?? `person ${id}`),
    sampleSizes: audit.sampleSizes,
    sampleSeed: audit.sampleSeed,
    sample: audit.sample.flatMap((id) => {
      const s = systems.find((x) => x.id === id);
      if (!s) return [];
      const t = requests.find((r) => r.dedupeKey === evidenceKey(audit.id, id));
      return [
        {
          ref: systemRef(s.refNumber),
          name: s.name,
          riskClass: s.riskClass,
          owner: names.get(s.ownerId) ?? '',
          request: t ? { ref: taskRef(t.number), status: t.status, dueDate: t.dueDate, evidence: t.evidence ?? null } : null,
        },
      ];
    }),
    findings: findings.map((f) => {
      const nc = ncs.find((n) => n.findingId === f.id);
      return {
        ref: findingRef(ref, f.number),
        subjectType: f.subjectType,
        subject: f.subject,
        kind: f.kind as FindingKind,
        text: f.text,
        evidence: f.evidence,
        recordedBy: f.recordedById ? (names.get(f.recordedById) ?? null) : null,
        recordedAt: f.createdAt,
        nc: nc ? { ref: ncRef(nc.number), status: nc.status, severity: nc.severity } : null,
      };
    }),
    conclusion: audit.conclusion,
    reportedAt: audit.reportedAt,
  };
}

/** `audit <id>` for compliance and the audit's auditors. */
export async function auditView(ctx: FlowContext, text: string): Promise<AuditView | Refusal> {
  const audit = await readableAudit(ctx, text);
  if ('kind' in audit) return audit;
  const details = await auditDetails(ctx.deps.db, audit);
  return { kind: 'audit', ...details, canRecordFinding: isAuditorOf(ctx, audit) && (audit.status === 'planned' || audit.status === 'fieldwork') };
}
