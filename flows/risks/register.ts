/**
 * Writing the risk register: `assess` (the whole form: suggested and existing risks, kept,
 * edited or dropped), `addRisk` and `editRisk`. Every change and its audit event are written in
 * one transaction; a treatment that is work to do (mitigate, transfer, avoid) becomes a task for
 * the treatment owner, once per risk.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { risks, tasks } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { ensurePerson } from '../identity';
import { localDate } from '../jobs/time';
import type { FlowContext } from '../ports';
import { nextNumber, riskRef } from '../refs';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { createTask } from '../tasks/create';
import type { FieldError } from '../triage/types';
import type { SystemView } from '../views';
import type { RiskRow } from './access';
import { editableSystem, riskByRef, riskOf } from './access';
import type { RiskFormValues, RiskInput } from './form';
import { TASK_TREATMENTS, parseRiskForm } from './form';

/** One risk of the assessment form: an existing one (by number) or a new one; dropped or kept. */
export interface AssessEntry {
  /** The `n` of `R-n` for a risk already in the register; absent for a new (e.g. suggested) one. */
  number?: number | null;
  /** Drop it: an existing risk is closed, a new one is not saved. */
  drop?: boolean;
  values: RiskFormValues;
}

/** What `assess`, `addRisk` and `editRisk` return. */
export interface RiskSaved {
  kind: 'saved';
  system: SystemView;
  /** The risks written, in the order given. */
  saved: RiskRow[];
  /** Numbers of the risks closed because they were dropped. */
  closed: number[];
}

/** Today in the policy's time zone, `YYYY-MM-DD`. */
export function todayOf(ctx: FlowContext): string {
  return localDate(ctx.deps.clock.now(), ctx.deps.policy.organization.timezone);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Saves the assessment form: every entry is validated first (nothing is written when one is
 * wrong), then all are written in one transaction with a `risk.assessed` event.
 */
export async function assess(ctx: FlowContext, ref: string, entries: readonly AssessEntry[]): Promise<RiskSaved | Refusal> {
  const found = await editableSystem(ctx, ref);
  if ('kind' in found) return found;
  const { system } = found;
  const today = todayOf(ctx);
  const errors: FieldError[] = [];
  const parsed: Array<{ entry: AssessEntry; input: RiskInput | null }> = [];
  entries.forEach((entry, i) => {
    if (entry.drop) return void parsed.push({ entry, input: null });
    const r = parseRiskForm(entry.values, today);
    const label = entry.number ? `R-${entry.number}` : `risk ${i + 1}`;
    if (Array.isArray(r)) errors.push(...r.map((e) => ({ field: e.field, message: `${label}: ${e.message}` })));
    else parsed.push({ entry, input: r });
  });
  if (errors.length > 0) return invalid(errors);
  if (parsed.every((p) => p.input === null && !p.entry.number)) return refuse('invalid', 'Nothing to save: keep at least one risk, or drop one that is in the register.');
  // Risks are never deleted, so one found now is still there inside the transaction.
  for (const { entry } of parsed) {
    if (entry.number && !(await riskOf(ctx.deps.db, ctx.workspace.id, system.id, entry.number))) {
      return refuse('not_found', `${system.ref} has no risk R-${entry.number}.`);
    }
  }
  return ctx.deps.db.transaction(async (tx) => {
    const saved: RiskRow[] = [];
    const closed: number[] = [];
    for (const { entry, input } of parsed) {
      const existing = entry.number ? await riskOf(tx, ctx.workspace.id, system.id, entry.number, true) : undefined;
      if (input === null) {
        if (existing && existing.status !== 'closed') {
          await closeRisk(tx, ctx, system, existing);
          closed.push(existing.number);
        }
        continue;
      }
      saved.push(await writeRisk(tx, ctx, system, input, existing ?? null));
    }
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'risk.assessed',
      subjectType: 'ai_system',
      subjectId: system.id,
      data: { ref: system.ref, risks: saved.map((r) => riskRef(system.ref, r.number)), closed: closed.map((n) => riskRef(system.ref, n)) },
      at: ctx.deps.clock.now(),
    });
    return { kind: 'saved' as const, system, saved, closed };
  });
}

/** Adds one risk to a system's register. */
export async function addRisk(ctx: FlowContext, ref: string, values: RiskFormValues): Promise<RiskSaved | Refusal> {
  const found = await editableSystem(ctx, ref);
  if ('kind' in found) return found;
  const input = parseRiskForm(values, todayOf(ctx));
  if (Array.isArray(input)) return invalid(input);
  const risk = await ctx.deps.db.transaction((tx) => writeRisk(tx, ctx, found.system, input, null));
  return { kind: 'saved', system: found.system, saved: [risk], closed: [] };
}

/** Edits one risk (`AI-3/R-1`). */
export async function editRisk(ctx: FlowContext, riskRefText: string, values: RiskFormValues): Promise<RiskSaved | Refusal> {
  const found = await riskByRef(ctx, riskRefText);
  if ('kind' in found) return found;
  const allowed = await editableSystem(ctx, found.system.ref);
  if ('kind' in allowed) return allowed;
  const input = parseRiskForm(values, todayOf(ctx));
  if (Array.isArray(input)) return invalid(input);
  return ctx.deps.db.transaction(async (tx) => {
    const existing = await riskOf(tx, ctx.workspace.id, found.system.id, found.risk.number, true);
    if (!existing) return refuse('not_found', `${found.system.ref} has no risk R-${found.risk.number}.`);
    const risk = await writeRisk(tx, ctx, found.system, input, existing);
    return { kind: 'saved' as const, system: found.system, saved: [risk], closed: [] };
  });
}

async function closeRisk(tx: Db, ctx: FlowContext, system: SystemView, risk: RiskRow): Promise<void> {
  const now = ctx.deps.clock.now();
  await tx.update(risks).set({ status: 'closed', updatedAt: now }).where(eq(risks.id, risk.id));
  await appendAudit(tx, {
    workspaceId: ctx.workspace.id,
    actor: ctx.actor.platformId,
    action: 'risk.closed',
    subjectType: 'risk',
    subjectId: riskRef(system.ref, risk.number),
    data: { systemId: system.id, previousStatus: risk.status },
    at: now,
  });
}

/** Whether the risk's treatment task (if any) is done. */
async function treatmentDone(tx: Db, workspaceId: number, riskId: number): Promise<boolean> {
  const [t] = await tx
    .select({ status: tasks.status })
    .from(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.dedupeKey, treatmentKey(riskId))));
  return t?.status === 'done';
}

/** The dedupe key of a risk's treatment task: one task per risk, whatever is edited later. */
export function treatmentKey(riskId: number): string {
  return `risk_treatment:${riskId}`;
}

const SAME_ACCEPTANCE: Array<keyof RiskInput & keyof RiskRow> = ['likelihood', 'impact', 'treatment', 'residualLikelihood', 'residualImpact'];

async function writeRisk(tx: Db, ctx: FlowContext, system: SystemView, input: RiskInput, existing: RiskRow | null): Promise<RiskRow> {
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  const ownerId = input.treatmentOwner ? (await ensurePerson(tx, ws, { platformId: input.treatmentOwner }, now)).id : system.owner.id;
  const isWork = TASK_TREATMENTS.has(input.treatment);
  const dueDate = input.dueDate ?? existing?.dueDate ?? (isWork ? addDays(todayOf(ctx), ctx.deps.policy.tasks.defaultDays) : null);
  // An acceptance stands only for what was accepted: a changed score or treatment needs a new one.
  const keepAccepted = existing?.status === 'accepted' && SAME_ACCEPTANCE.every((k) => existing[k] === input[k]);
  const values = {
    source: input.source,
    description: input.description,
    likelihood: input.likelihood,
    impact: input.impact,
    score: input.likelihood * input.impact,
    treatment: input.treatment,
    controls: input.controls,
    measures: input.measures,
    treatmentOwnerId: ownerId,
    dueDate,
    residualLikelihood: input.residualLikelihood,
    residualImpact: input.residualImpact,
    updatedAt: now,
  };
  let row: RiskRow;
  if (existing) {
    const status = keepAccepted ? 'accepted' : isWork ? ((await treatmentDone(tx, ws, existing.id)) ? 'treated' : 'treating') : 'open';
    const accepted = keepAccepted ? {} : { acceptedById: null, acceptedAt: null };
    [row] = (await tx.update(risks).set({ ...values, ...accepted, status }).where(eq(risks.id, existing.id)).returning()) as [RiskRow];
  } else {
    const number = await nextNumber(tx, ws, `risk:${system.id}`);
    [row] = (await tx
      .insert(risks)
      .values({ ...values, workspaceId: ws, systemId: system.id, number, status: isWork ? 'treating' : 'open', createdById: ctx.actor.id, createdAt: now })
      .returning()) as [RiskRow];
  }
  const ref = riskRef(system.ref, row.number);
  await appendAudit(tx, {
    workspaceId: ws,
    actor: ctx.actor.platformId,
    action: existing ? 'risk.updated' : 'risk.added',
    subjectType: 'risk',
    subjectId: ref,
    data: {
      systemId: system.id,
      source: row.source,
      description: row.description,
      likelihood: row.likelihood,
      impact: row.impact,
      score: row.score,
      treatment: row.treatment,
      controls: row.controls,
      measures: row.measures,
      treatmentOwnerId: row.treatmentOwnerId,
      dueDate: row.dueDate,
      residualLikelihood: row.residualLikelihood,
      residualImpact: row.residualImpact,
      status: row.status,
      ...(existing ? { previous: { score: existing.score, treatment: existing.treatment, status: existing.status } } : {}),
    },
    at: now,
  });
  if (isWork) {
    await createTask(tx, {
      workspaceId: ws,
      kind: 'risk_treatment',
      subjectType: 'risk',
      subjectId: row.id,
      systemId: system.id,
      dedupeKey: treatmentKey(row.id),
      title: `${capitalise(row.treatment)} risk ${ref}: ${row.description.slice(0, 120)}`,
      detail: row.measures,
      assigneeId: ownerId,
      dueDate: dueDate!,
      actor: ctx.actor.platformId,
      at: now,
    });
  }
  return row;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
