/**
 * Who may do what with internal audits (spec/aims.md): compliance plans audits, reads them and
 * writes their reports; an audit's auditors read it and record its findings. An audit is found by
 * its reference (`IA-2026-1`) in the actor's workspace only: another workspace's is "not found".
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { internalAudits } from '../../db/schema-improve';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import { internalAuditRef, parseInternalAuditRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';

/** An internal audit as stored. */
export type AuditRow = typeof internalAudits.$inferSelect;

/** The audit's status. */
export type AuditStatus = 'planned' | 'fieldwork' | 'reported' | 'closed';

/** Whether the actor is in the compliance group. */
export function isCompliance(ctx: FlowContext): boolean {
  return isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
}

/** Whether the actor is one of the audit's auditors. */
export function isAuditorOf(ctx: FlowContext, audit: Pick<AuditRow, 'auditorIds'>): boolean {
  return audit.auditorIds.includes(ctx.actor.id);
}

/** `IA-2026-1` of a stored audit. */
export function auditRefOf(a: Pick<AuditRow, 'year' | 'number'>): string {
  return internalAuditRef(a.year, a.number);
}

/** Loads an audit of the workspace by reference, optionally locked for this transaction. */
export async function loadAudit(db: Db, workspaceId: number, text: string, lock = false): Promise<AuditRow | Refusal> {
  const parsed = parseInternalAuditRef(text);
  if (!parsed) return refuse('invalid', `"${text.trim().slice(0, 40)}" is not an audit reference; use the form IA-2026-1.`);
  const q = db
    .select()
    .from(internalAudits)
    .where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.year, parsed.year), eq(internalAudits.number, parsed.n)));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? refuse('not_found', `There is no audit ${internalAuditRef(parsed.year, parsed.n)} here.`);
}

/** An audit the actor may read: compliance, or one of its auditors. */
export async function readableAudit(ctx: FlowContext, text: string): Promise<AuditRow | Refusal> {
  const audit = await loadAudit(ctx.deps.db, ctx.workspace.id, text);
  if ('kind' in audit) return audit;
  if (!isCompliance(ctx) && !isAuditorOf(ctx, audit)) return refuse('not_authorised', `Only compliance and the auditors of ${auditRefOf(audit)} can see it.`);
  return audit;
}

/** An audit the actor may record findings of: one of its auditors, and the report not yet written. */
export async function findingAudit(ctx: FlowContext, text: string, db: Db = ctx.deps.db, lock = false): Promise<AuditRow | Refusal> {
  const audit = await loadAudit(db, ctx.workspace.id, text, lock);
  if ('kind' in audit) return audit;
  const ref = auditRefOf(audit);
  if (!isAuditorOf(ctx, audit)) return refuse('not_authorised', `Only the auditors of ${ref} can record its findings; nothing was recorded.`);
  if (audit.status === 'reported' || audit.status === 'closed') return refuse('closed', `${ref} is ${audit.status}: its report is written, so no more findings can be recorded.`);
  return audit;
}
