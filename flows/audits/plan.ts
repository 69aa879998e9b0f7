/**
 * `audit plan` (compliance): validates the `audit.plan` form, draws the risk-weighted sample
 * from the workspace's approved systems with a fresh stored seed, refuses an auditor who owns or
 * decided an approval of a sampled system (9.2.2 impartiality), and asks each sampled system's
 * owner for evidence with an `evidence_request` task due the day before the audit. The audit,
 * its tasks, their first notice and the `audit.planned` event are written in one transaction; a
 * form submitted again with the same token returns the audit it planned.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, approvalRequests, approvalSteps, auditEvents, people } from '../../db/schema';
import { internalAudits } from '../../db/schema-improve';
import { auditedTransaction, appendAudit } from '../audit';
import { ensurePerson } from '../identity';
import { nextAllowedTime } from '../jobs/time';
import { enqueueMany } from '../outbox';
import type { FlowContext } from '../ports';
import { lockWorkspace, nextNumber, taskRef } from '../refs';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { todayOf } from '../risks/register';
import { createTasks } from '../tasks/create';
import { addDays } from '../tasks/obligations';
import type { TaskReminderPayload } from '../tasks/reminders';
import { systemRef } from '../views';
import type { AuditRow } from './access';
import { auditRefOf, isCompliance } from './access';
import { customControls } from './criteria';
import type { AuditFormValues, AuditPlanInput } from './form';
import { parseAuditPlan } from './form';
import { drawSample, newSampleSeed, SAMPLED_STATUSES } from './sample';

/** What `planAudit` returns. */
export interface AuditPlanned {
  kind: 'planned';
  ref: string;
  audit: AuditRow;
  /** False when the same form was submitted before: nothing new was written. */
  created: boolean;
  /** The evidence requests (`T-12`) sent. */
  tasks: string[];
}

/** Options of a plan: `token` identifies one filled form, so its replay plans nothing twice. */
export interface PlanOptions {
  token?: string | null;
  /** The seed to draw with; without it, one derived from the (random) form token, else a fresh random one. */
  seed?: string;
}

/** Thrown inside the transaction to roll it back and answer with the refusal. */
class Rollback extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** The refusal for anyone outside compliance. */
export function planRefusal(): Refusal {
  return refuse('not_authorised', 'Only the compliance group can plan internal audits; nothing was planned.');
}

/** The dedupe key of an audit's evidence request to one system. */
export function evidenceKey(auditId: number, systemId: number): string {
  return `evidence_request:${auditId}:${systemId}`;
}

/** The audit a form with `token` already planned in the workspace, if any. */
async function plannedWithToken(tx: Db, workspaceId: number, token: string): Promise<AuditRow | null> {
  const [event] = await tx
    .select({ data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, 'audit.planned'), sql`${auditEvents.data}->>'form_token' = ${token}`))
    .limit(1);
  const id = (event?.data as { audit_id?: unknown } | undefined)?.audit_id;
  if (typeof id !== 'number') return null;
  const [row] = await tx.select().from(internalAudits).where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.id, id)));
  return row ?? null;
}

/** The people of the auditors field (a platform id, or `email:` matched to a known person first). */
async function auditorPeople(tx: Db, ctx: FlowContext, ids: readonly string[], now: Date): Promise<Array<{ id: number; name: string }>> {
  const out: Array<{ id: number; name: string }> = [];
  for (const platformId of ids) {
    let person: { id: number; platformId: string; displayName: string | null } | undefined;
    if (platformId.startsWith('email:')) {
      [person] = await tx
        .select({ id: people.id, platformId: people.platformId, displayName: people.displayName })
        .from(people)
        .where(and(eq(people.workspaceId, ctx.workspace.id), eq(people.email, platformId.slice(6))))
        .limit(1);
    }
    person ??= await ensurePerson(tx, ctx.workspace.id, { platformId, email: platformId.startsWith('email:') ? platformId.slice(6) : undefined }, now);
    if (!out.some((o) => o.id === person.id)) out.push({ id: person.id, name: person.displayName ?? person.platformId.replace(/^email:/, '') });
  }
  return out;
}

type Sampled = { id: number; refNumber: number; name: string; riskClass: string | null; ownerId: number };

/** Why one of the auditors is not impartial for the sample, as a sentence; null when all are. */
async function impartialityProblem(tx: Db, workspaceId: number, auditors: ReadonlyArray<{ id: number; name: string }>, sample: readonly Sampled[]): Promise<string | null> {
  const name = (id: number) => auditors.find((a) => a.id === id)?.name ?? 'an auditor';
  const what = (s: Sampled) => `${systemRef(s.refNumber)} "${s.name}"`;
  for (const s of sample) {
    if (auditors.some((a) => a.id === s.ownerId)) return `${name(s.ownerId)} owns ${what(s)}, which is in the sample`;
  }
  if (sample.length === 0) return null;
  const decided = await tx
    .select({ systemId: approvalRequests.systemId, decidedById: approvalSteps.decidedById })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .where(
      and(
        eq(approvalSteps.workspaceId, workspaceId),
        inArray(approvalRequests.systemId, sample.map((s) => s.id)),
        inArray(approvalSteps.decidedById, auditors.map((a) => a.id)),
        isNotNull(approvalSteps.decidedAt),
      ),
    )
    .limit(1);
  const hit = decided[0];
  if (!hit) return null;
  return `${name(hit.decidedById!)} decided an approval step of ${what(sample.find((s) => s.id === hit.systemId)!)}, which is in the sample`;
}

/** Plans an internal audit from the `audit.plan` form values (field ids as AUDIT_PLAN_FIELDS). */
export async function planAudit(ctx: FlowContext, values: AuditFormValues, opts: PlanOptions = {}): Promise<AuditPlanned | Refusal> {
  if (!isCompliance(ctx)) return planRefusal();
  const parsed = parseAuditPlan(values, todayOf(ctx));
  if (Array.isArray(parsed)) return invalid(parsed);
  try {
    return await auditedTransaction(ctx.deps.db, (tx) => writePlan(tx, ctx, parsed, opts));
  } catch (err) {
    if (err instanceof Rollback) return err.refusal;
    throw err;
  }
}

async function writePlan(tx: Db, ctx: FlowContext, input: AuditPlanInput, opts: PlanOptions): Promise<AuditPlanned> {
  const ws = ctx.workspace.id;
  const now = ctx.deps.clock.now();
  // One plan at a time per workspace: the token check and the numbering are decided in line.
  await lockWorkspace(tx, ws);
  if (opts.token) {
    const done = await plannedWithToken(tx, ws, opts.token);
    if (done) return { kind: 'planned', ref: auditRefOf(done), audit: done, created: false, tasks: [] };
  }
  const custom = await customControls(tx, ws);
  const unknown = input.controls.filter((c) => c.startsWith('X-') && !custom.has(c));
  if (unknown.length) throw new Rollback(invalid([{ field: 'scope_controls', message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the control register (add one with controls add <title>)` }]));
  const auditors = await auditorPeople(tx, ctx, input.auditors, now);
  const live = await tx
    .select({ id: aiSystems.id, refNumber: aiSystems.refNumber, name: aiSystems.name, riskClass: aiSystems.riskClass, ownerId: aiSystems.ownerId })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, ws), inArray(aiSystems.status, [...SAMPLED_STATUSES])));
  // One form, one seed: submitting the same form again (say with another auditor after a
  // refusal) draws the same order, so a sample cannot be re-drawn until it suits someone.
  const seed = opts.seed ?? (opts.token ? createHash('sha256').update(`aimsbot audit sample\n${opts.token}`).digest('hex').slice(0, 32) : newSampleSeed());
  const ids = drawSample(live, input.sizes, seed);
  const sample = ids.map((id) => live.find((s) => s.id === id)!);
  const partial = await impartialityProblem(tx, ws, auditors, sample);
  if (partial) {
    throw new Rollback(
      refuse('not_allowed', `An auditor must be impartial (ISO/IEC 42001 9.2.2): ${partial}. Choose another auditor; nothing was planned.`, { errors: [{ field: 'auditors', message: `${partial}; choose another auditor` }] }),
    );
  }
  const year = Number(input.plannedFor.slice(0, 4));
  const number = await nextNumber(tx, ws, `audit:${year}`);
  const [audit] = await tx
    .insert(internalAudits)
    .values({
      workspaceId: ws,
      year,
      number,
      title: input.title,
      scope: { clauses: input.clauses, controls: input.controls, systems: [] },
      auditorIds: auditors.map((a) => a.id),
      plannedFor: input.plannedFor,
      sampleSizes: input.sizes,
      sampleSeed: seed,
      sample: ids,
      status: 'planned',
      createdById: ctx.actor.id,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const ref = auditRefOf(audit!);
  const today = todayOf(ctx);
  const before = addDays(input.plannedFor, -1);
  const due = before < today ? today : before;
  const made = await createTasks(
    tx,
    sample.map((s) => ({
      workspaceId: ws,
      kind: 'evidence_request' as const,
      subjectType: 'audit' as const,
      subjectId: audit!.id,
      systemId: s.id,
      dedupeKey: evidenceKey(audit!.id, s.id),
      title: `Evidence for internal audit ${ref} of ${systemRef(s.refNumber)} "${s.name}"`,
      detail: scopeLine(input),
      assigneeId: s.ownerId,
      dueDate: due,
      actor: ctx.actor.platformId,
      at: now,
    })),
  );
  // The owner hears of the request now, with Done / Not applicable, through the tasks' own notice.
  const notBefore = nextAllowedTime(ctx.deps.policy, now);
  await enqueueMany(
    tx,
    made
      .map((m, i) => ({ ...m, s: sample[i]! }))
      .filter((m) => m.created)
      .map(({ task, s }) => {
        const payload: TaskReminderPayload = {
          taskId: task.id,
          ref: taskRef(task.number),
          title: task.title,
          system: { ref: systemRef(s.refNumber), name: s.name },
          group: null,
          dueDate: task.dueDate,
          overdueDays: 0,
          dueInDays: Math.max(0, Math.round((Date.parse(task.dueDate) - Date.parse(today)) / 86_400_000)),
          reminderNumber: 0,
          escalated: false,
          text: `Internal audit ${ref} "${input.title}" on ${input.plannedFor} samples ${systemRef(s.refNumber)} "${s.name}", which you own. Please send evidence for ${scopeLine(input)} by ${task.dueDate}: mark task ${taskRef(task.number)} done with a link or a note.`,
        };
        return { workspaceId: ws, dedupeKey: `task.evidence_request:${task.id}`, kind: 'task.reminder', recipient: { person: s.ownerId }, payload, notBefore };
      }),
  );
  await appendAudit(tx, {
    workspaceId: ws,
    actor: ctx.actor.platformId,
    action: 'audit.planned',
    subjectType: 'internal_audit',
    subjectId: ref,
    data: {
      audit_id: audit!.id,
      title: input.title,
      scope_clauses: input.clauses,
      scope_controls: input.controls,
      auditors: auditors.map((a) => a.id),
      planned_for: input.plannedFor,
      sample_sizes: input.sizes,
      sample_seed: seed,
      sample: sample.map((s) => systemRef(s.refNumber)),
      evidence_requests: made.map((m) => taskRef(m.task.number)),
      form_token: opts.token ?? null,
    },
    at: now,
  });
  return { kind: 'planned', ref, audit: audit!, created: true, tasks: made.map((m) => taskRef(m.task.number)) };
}

/** The scope in a few words, for the evidence request. */
function scopeLine(input: Pick<AuditPlanInput, 'clauses' | 'controls'>): string {
  const parts = [...input.clauses.map((c) => `clause ${c}`), ...input.controls];
  return parts.length ? parts.join(', ') : 'the AI management system';
}

/** Null when the actor may plan audits (compliance), else the refusal to show before any form opens. */
export function planAccess(ctx: FlowContext): Refusal | null {
  return isCompliance(ctx) ? null : planRefusal();
}

/** A new form token: one per opened `audit.plan` or `finding.record` form, so its replay writes nothing twice. */
export function newFormToken(): string {
  return randomBytes(12).toString('base64url');
}
