/**
 * `finding <audit id>` (the audit's auditors): records a finding (`IA-2026-1/F-3`) about a
 * clause or control of the audit's criteria, or a sampled system. The first finding moves the
 * audit to `fieldwork`; a `minor_nc`/`major_nc` opens a nonconformity in the same transaction
 * (owned by the system's owner when the finding is about a system). A form submitted again with
 * the same token returns the finding it recorded.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, auditEvents } from '../../db/schema';
import { auditFindings, internalAudits } from '../../db/schema-improve';
import { auditedTransaction, appendAudit } from '../audit';
import type { NcRow } from '../improvement/open-nc';
import { openNonconformity } from '../improvement/open-nc';
import type { FlowContext } from '../ports';
import { findingRef, lockWorkspace, ncRef, nextNumber } from '../refs';
import type { Refusal } from '../results';
import { invalid } from '../results';
import { systemRef } from '../views';
import type { AuditRow } from './access';
import { auditRefOf, findingAudit } from './access';
import { customControls, ISO_42001_CLAUSES } from './criteria';
import type { AuditFormValues, FindingInput } from './form';
import { parseFinding } from './form';

/** A finding as stored. */
export type FindingRow = typeof auditFindings.$inferSelect;

/** What `recordFinding` returns. */
export interface FindingRecorded {
  kind: 'recorded';
  /** `IA-2026-1/F-3` */
  ref: string;
  auditRef: string;
  finding: FindingRow;
  /** The nonconformity it opened (`NC-7`), for a minor or major nonconformity. */
  nc: { ref: string; row: NcRow } | null;
  /** False when the same form was submitted before: nothing new was written. */
  created: boolean;
}

/** Thrown inside the transaction to roll it back and answer with the refusal. */
class Rollback extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** The subjects a finding of this audit can be about, in the order a form offers them. */
export async function findingSubjects(db: Db, audit: AuditRow): Promise<Array<{ value: string; label: string }>> {
  const custom = await customControls(db, audit.workspaceId);
  const systems = audit.sample.length
    ? await db
        .select({ id: aiSystems.id, refNumber: aiSystems.refNumber, name: aiSystems.name })
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, audit.workspaceId), inArray(aiSystems.id, audit.sample)))
    : [];
  const bySample = audit.sample.map((id) => systems.find((s) => s.id === id)).filter((s) => s !== undefined);
  return [
    ...audit.scope.clauses.map((c) => ({ value: c, label: `${c} ${ISO_42001_CLAUSES[c] ?? ''}`.trim() })),
    ...audit.scope.controls.map((c) => ({ value: c, label: `${c} ${custom.get(c) ?? ''}`.trim() })),
    ...bySample.map((s) => ({ value: systemRef(s.refNumber), label: `${systemRef(s.refNumber)} ${s.name}` })),
  ];
}

/** The finding a form with `token` already recorded in the workspace, if any. */
async function recordedWithToken(tx: Db, workspaceId: number, token: string): Promise<number | null> {
  const [event] = await tx
    .select({ data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, 'audit.finding_recorded'), sql`${auditEvents.data}->>'form_token' = ${token}`))
    .limit(1);
  const id = (event?.data as { finding_id?: unknown } | undefined)?.finding_id;
  return typeof id === 'number' ? id : null;
}

/** Records a finding from the `finding.record` form values (field ids as FINDING_FIELDS). */
export async function recordFinding(ctx: FlowContext, auditText: string, values: AuditFormValues, opts: { token?: string | null } = {}): Promise<FindingRecorded | Refusal> {
  const allowed = await findingAudit(ctx, auditText);
  if ('kind' in allowed) return allowed;
  const parsed = parseFinding(values);
  if (Array.isArray(parsed)) return invalid(parsed);
  try {
    return await auditedTransaction(ctx.deps.db, (tx) => writeFinding(tx, ctx, auditText, parsed, opts.token ?? null));
  } catch (err) {
    if (err instanceof Rollback) return err.refusal;
    throw err;
  }
}

async function writeFinding(tx: Db, ctx: FlowContext, auditText: string, input: FindingInput, token: string | null): Promise<FindingRecorded> {
  const ws = ctx.workspace.id;
  const now = ctx.deps.clock.now();
  await lockWorkspace(tx, ws);
  // Locked: a report written meanwhile, or a second first finding, is seen here.
  const audit = await findingAudit(ctx, auditText, tx, true);
  if ('kind' in audit) throw new Rollback(audit);
  const auditRef = auditRefOf(audit);
  if (token) {
    const id = await recordedWithToken(tx, ws, token);
    const [done] = id ? await tx.select().from(auditFindings).where(and(eq(auditFindings.workspaceId, ws), eq(auditFindings.id, id))) : [];
    if (done) return { kind: 'recorded', ref: findingRef(auditRef, done.number), auditRef, finding: done, nc: null, created: false };
  }
  const subject = await subjectOf(tx, audit, input);
  if ('field' in subject) throw new Rollback(invalid([subject]));
  const number = await nextNumber(tx, ws, `finding:${audit.id}`);
  const ref = findingRef(auditRef, number);
  const [finding] = await tx
    .insert(auditFindings)
    .values({ workspaceId: ws, auditId: audit.id, number, subjectType: input.subjectType, subject: input.subject, kind: input.kind, text: input.text, evidence: input.evidence, recordedById: ctx.actor.id, createdAt: now })
    .returning();
  const fieldwork = audit.status === 'planned';
  if (fieldwork) await tx.update(internalAudits).set({ status: 'fieldwork', updatedAt: now }).where(eq(internalAudits.id, audit.id));
  let nc: FindingRecorded['nc'] = null;
  if (input.kind === 'minor_nc' || input.kind === 'major_nc') {
    const opened = await openNonconformity(tx, {
      workspaceId: ws,
      source: 'audit',
      severity: input.kind === 'major_nc' ? 'major' : 'minor',
      description: `${ref} (${input.subject}): ${input.text}`,
      ownerId: subject.ownerId,
      findingId: finding!.id,
      systemId: subject.systemId,
      dedupeKey: `finding:${finding!.id}`,
      createdById: ctx.actor.id,
      actor: ctx.actor.platformId,
      at: now,
    });
    nc = { ref: ncRef(opened.nc.number), row: opened.nc };
  }
  await appendAudit(tx, {
    workspaceId: ws,
    actor: ctx.actor.platformId,
    action: 'audit.finding_recorded',
    subjectType: 'audit_finding',
    subjectId: ref,
    data: {
      audit: auditRef,
      finding_id: finding!.id,
      subject_type: input.subjectType,
      subject: input.subject,
      kind: input.kind,
      text: input.text,
      evidence: input.evidence,
      nc: nc?.ref ?? null,
      status: fieldwork ? { from: 'planned', to: 'fieldwork' } : null,
      form_token: token,
    },
    at: now,
  });
  return { kind: 'recorded', ref, auditRef, finding: finding!, nc, created: true };
}

/** Checks the subject belongs to the audit; a system's owner owns the NC it may open. */
async function subjectOf(tx: Db, audit: AuditRow, input: FindingInput): Promise<{ ownerId: number | null; systemId: number | null } | { field: string; message: string }> {
  const ref = auditRefOf(audit);
  if (input.subjectType === 'clause') {
    if (audit.scope.clauses.length && !audit.scope.clauses.includes(input.subject)) {
      return { field: 'subject', message: `clause ${input.subject} is not in the scope of ${ref} (${audit.scope.clauses.join(', ')})` };
    }
    return { ownerId: null, systemId: null };
  }
  if (input.subjectType === 'control') {
    if (input.subject.startsWith('X-') && !(await customControls(tx, audit.workspaceId)).has(input.subject)) {
      return { field: 'subject', message: `${input.subject} is not in the control register` };
    }
    if (audit.scope.controls.length && !audit.scope.controls.includes(input.subject)) {
      return { field: 'subject', message: `${input.subject} is not in the scope of ${ref} (${audit.scope.controls.join(', ')})` };
    }
    return { ownerId: null, systemId: null };
  }
  const n = Number(input.subject.slice(3));
  const [system] = await tx
    .select({ id: aiSystems.id, ownerId: aiSystems.ownerId })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, audit.workspaceId), eq(aiSystems.refNumber, n)));
  if (!system || !audit.sample.includes(system.id)) return { field: 'subject', message: `${input.subject} is not in the sample of ${ref}` };
  return { ownerId: system.ownerId, systemId: system.id };
}
