/**
 * When an impact assessment is missing or due (6.1.4: "at planned intervals and when significant
 * changes are proposed"): an assessment falls due with the system's review (`due_at`, set when it
 * is stored) and at once when the system is re-triaged, which also tells the owner.
 */
import { and, desc, eq, gt, isNull, max, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, assessments } from '../../db/schema';
import { impactAssessments } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import type { LifecycleChange } from '../lifecycle';
import { enqueue } from '../outbox';
import { impactRef } from '../refs';
import type { FlowContext } from '../ports';
import type { SystemView } from '../views';
import { systemRef } from '../views';

/** Where a system's impact assessment stands. */
export type ImpactStatus =
  | { state: 'missing' }
  | { state: 'due'; ref: string; dueAt: Date }
  | { state: 'current'; ref: string; dueAt: Date | null };

/** The impact assessment status of a system at `now`. */
export async function impactStatus(db: Db, workspaceId: number, systemId: number, now: Date): Promise<ImpactStatus> {
  const [row] = await db
    .select({ number: impactAssessments.number, dueAt: impactAssessments.dueAt, refNumber: aiSystems.refNumber })
    .from(impactAssessments)
    .innerJoin(aiSystems, eq(aiSystems.id, impactAssessments.systemId))
    .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.systemId, systemId)))
    .orderBy(desc(impactAssessments.number))
    .limit(1);
  if (!row) return { state: 'missing' };
  const ref = impactRef(systemRef(row.refNumber), row.number);
  if (row.dueAt && row.dueAt <= now) return { state: 'due', ref, dueAt: row.dueAt };
  return { state: 'current', ref, dueAt: row.dueAt };
}

/** `impact.due` payload: the owner is asked to assess the impact again. */
export interface ImpactDuePayload {
  systemId: number;
  /** `AI-3` */
  ref: string;
  name: string;
  /** The assessment now due, or null when there was none. */
  impactRef: string | null;
  text: string;
}

/**
 * Reaction to a re-triage: the latest impact assessment falls due now (an audit event says so)
 * and the owner is told through the outbox. Idempotent: the notification's dedupe key names the
 * triage assessment, and an assessment already due is left as it is.
 */
export async function markImpactDue({ tx, ctx, systemId, now }: LifecycleChange): Promise<void> {
  const ws = ctx.workspace.id;
  const [system] = await tx
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name, ownerId: aiSystems.ownerId, status: aiSystems.status })
    .from(aiSystems)
    .where(and(eq(aiSystems.id, systemId), eq(aiSystems.workspaceId, ws)));
  if (!system || system.status === 'retired') return;
  const ref = systemRef(system.refNumber);
  const [latest] = await tx
    .select({ id: impactAssessments.id, number: impactAssessments.number })
    .from(impactAssessments)
    .where(and(eq(impactAssessments.workspaceId, ws), eq(impactAssessments.systemId, systemId)))
    .orderBy(desc(impactAssessments.number))
    .limit(1);
  const iaRef = latest ? impactRef(ref, latest.number) : null;
  if (latest) {
    const marked = await tx
      .update(impactAssessments)
      .set({ dueAt: now })
      .where(and(eq(impactAssessments.id, latest.id), or(isNull(impactAssessments.dueAt), gt(impactAssessments.dueAt, now))))
      .returning({ id: impactAssessments.id });
    if (marked.length) {
      await appendAudit(tx, { workspaceId: ws, actor: ctx.actor.platformId, action: 'impact.due', subjectType: 'impact_assessment', subjectId: iaRef!, data: { system: ref, reason: 'retriaged' }, at: now });
    }
  }
  const [triage] = await tx.select({ v: max(assessments.version) }).from(assessments).where(eq(assessments.systemId, systemId));
  const text = iaRef
    ? `${ref} "${system.name}" was re-triaged, so its impact assessment ${iaRef} is due again. Assess it with: impact ${ref}`
    : `${ref} "${system.name}" was re-triaged and has no impact assessment yet. Assess it with: impact ${ref}`;
  const payload: ImpactDuePayload = { systemId, ref, name: system.name, impactRef: iaRef, text };
  await enqueue(tx, {
    workspaceId: ws,
    dedupeKey: `impact.due:${systemId}:triage-${triage?.v ?? 0}`,
    kind: 'impact.due',
    recipient: { person: system.ownerId },
    payload: { ...payload },
    notBefore: now,
  });
}

/** One line on the impact assessment, for `show`: missing, due, or when it falls due. */
export function impactStatusLine(status: ImpactStatus, ref: string, day: (d: Date) => string): string {
  switch (status.state) {
    case 'missing':
      return `Impact assessment: missing — assess it with "impact ${ref}".`;
    case 'due':
      return `Impact assessment: ${status.ref} is due since ${day(status.dueAt)} — assess it again with "impact ${ref}".`;
    case 'current':
      return `Impact assessment: ${status.ref}${status.dueAt ? `, next due ${day(status.dueAt)}` : ''}.`;
  }
}

/** The `show` line on a system's impact assessment; null where none is expected (retired, rejected, blocked, out of scope). */
export async function impactLineFor(ctx: FlowContext, system: SystemView, day: (d: Date) => string): Promise<string | null> {
  if (!['approved', 'pending_approval', 'changes_requested'].includes(system.status) || system.riskClass === 'out_of_scope') return null;
  return impactStatusLine(await impactStatus(ctx.deps.db, ctx.workspace.id, system.id, ctx.deps.clock.now()), system.ref, day);
}
