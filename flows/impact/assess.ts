/**
 * `impact <ref>` (spec/aims.md): the owner or compliance assesses a system's impact on people and
 * society (A.5.4, A.5.5) and, when the `fria` obligation applies, the Art. 27(1)(a)–(f)
 * elements. Each assessment is `AI-3/IA-n`, stored with its audit event `impact.assessed` in one
 * transaction; the next one falls due with the system's review.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { impactAssessments } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import { impactRef, nextNumber } from '../refs';
import { systemByRef } from '../registration';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { cleanMultiline } from '../triage/text';
import type { FieldError } from '../triage/types';
import type { SystemView } from '../views';
import { systemRef } from '../views';
import type { ImpactQuestion, Prefill } from './questions';
import { IMPACT_ANSWER_MAX, IMPACT_QUESTIONS_VERSION, impactQuestions, prefillFrom } from './questions';

/** A stored impact assessment as shown to people. */
export interface ImpactView {
  /** `AI-3/IA-2` */
  ref: string;
  number: number;
  version: number;
  fria: boolean;
  answers: Record<string, string>;
  assessedBy: { platformId: string; name: string } | null;
  createdAt: Date;
  dueAt: Date | null;
}

/** What an adapter needs to show the impact form. */
export interface ImpactForm {
  system: SystemView;
  /** The Art. 27 elements are asked too. */
  friaApplies: boolean;
  questions: readonly ImpactQuestion[];
  /** Answers offered: the previous assessment's, else what triage already answered. */
  prefill: Record<string, Prefill>;
  previous: ImpactView | null;
}

/** The statuses in which a system's impact can be assessed. */
const ASSESSABLE: ReadonlySet<SystemView['status']> = new Set(['approved', 'pending_approval', 'changes_requested', 'draft']);

/** Whether the system's classification carries the `fria` obligation (Art. 27). */
export function friaApplies(system: SystemView): boolean {
  return (system.assessment?.result.obligations ?? []).some((o) => o.id === 'fria');
}

/** The latest impact assessment of a system, or null. */
export async function latestImpact(db: Db, workspaceId: number, systemId: number): Promise<ImpactView | null> {
  const [row] = await db
    .select({ ia: impactAssessments, refNumber: aiSystems.refNumber, platformId: people.platformId, displayName: people.displayName })
    .from(impactAssessments)
    .innerJoin(aiSystems, eq(aiSystems.id, impactAssessments.systemId))
    .leftJoin(people, eq(people.id, impactAssessments.assessedById))
    .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.systemId, systemId)))
    .orderBy(desc(impactAssessments.number))
    .limit(1);
  if (!row) return null;
  return {
    ref: impactRef(systemRef(row.refNumber), row.ia.number),
    number: row.ia.number,
    version: row.ia.version,
    fria: row.ia.fria,
    answers: row.ia.answers as Record<string, string>,
    assessedBy: row.platformId ? { platformId: row.platformId, name: row.displayName ?? row.platformId } : null,
    createdAt: row.ia.createdAt,
    dueAt: row.ia.dueAt,
  };
}

/** Loads a system the actor may assess, or says why not (who first, then the state). */
export async function impactAssessable(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  const isOwner = system.owner.id === ctx.actor.id;
  if (!isOwner && !isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email)) {
    return refuse('not_authorised', `Only the owner of ${system.ref} (${system.owner.name}) or compliance can assess its impact.`);
  }
  if (!ASSESSABLE.has(system.status)) {
    return refuse('not_allowed', `${system.ref} is ${system.status.replace(/_/g, ' ')}; only a registered system in use or under approval has its impact assessed.`);
  }
  return system;
}

/** The impact form of a system: its questions and what is pre-filled. */
export async function impactForm(ctx: FlowContext, ref: string): Promise<ImpactForm | Refusal> {
  const system = await impactAssessable(ctx, ref);
  if ('kind' in system) return system;
  const fria = friaApplies(system);
  const previous = await latestImpact(ctx.deps.db, ctx.workspace.id, system.id);
  const prefill = prefillFrom({ purpose: system.purpose, answers: system.assessment?.answers ?? {} });
  for (const [id, text] of Object.entries(previous?.answers ?? {})) {
    if (typeof text === 'string' && text) prefill[id] = { text, source: `from ${previous!.ref}` };
  }
  return { system, friaApplies: fria, questions: impactQuestions(fria), prefill, previous };
}

/** Checks raw form answers against the questions; the cleaned answers or the field problems. */
export function validateImpactAnswers(questions: readonly ImpactQuestion[], raw: Record<string, unknown>): { ok: true; answers: Record<string, string> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const known = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) errors.push({ field: key, message: 'is not a question of this impact assessment' });
  }
  const answers: Record<string, string> = {};
  for (const q of questions) {
    const v = raw[q.id];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      errors.push({ field: q.id, message: 'must be text' });
      continue;
    }
    // Control and bidi characters are dropped rather than refused, like every multi-line field.
    const text = cleanMultiline(v ?? '').trim();
    if (!text) errors.push({ field: q.id, message: `${q.label}: describe it (write "none" and why if there is no impact)` });
    else if (text.length > IMPACT_ANSWER_MAX) errors.push({ field: q.id, message: `${q.label}: at most ${IMPACT_ANSWER_MAX} characters (${text.length} given)` });
    else answers[q.id] = text;
  }
  return errors.length ? { ok: false, errors } : { ok: true, answers };
}

/** Result of `assessImpact`. */
export type AssessImpactResult = { kind: 'assessed'; system: SystemView; impact: ImpactView; created: boolean } | Refusal;

/**
 * Stores a new impact assessment. The system row is locked first, so concurrent or replayed
 * submissions are serialised; one with the same answers as a latest assessment that is not
 * due yet is the same assessment and returns it without a new number.
 */
export async function assessImpact(ctx: FlowContext, ref: string, raw: Record<string, unknown>): Promise<AssessImpactResult> {
  const system = await impactAssessable(ctx, ref);
  if ('kind' in system) return system;
  const fria = friaApplies(system);
  const checked = validateImpactAnswers(impactQuestions(fria), raw);
  if (!checked.ok) return invalid(checked.errors);
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  const created = await ctx.deps.db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ nextReviewAt: aiSystems.nextReviewAt, status: aiSystems.status })
      .from(aiSystems)
      .where(and(eq(aiSystems.id, system.id), eq(aiSystems.workspaceId, ws)))
      .for('update');
    if (!locked || !ASSESSABLE.has(locked.status as SystemView['status'])) return false;
    const [last] = await tx
      .select()
      .from(impactAssessments)
      .where(and(eq(impactAssessments.workspaceId, ws), eq(impactAssessments.systemId, system.id)))
      .orderBy(desc(impactAssessments.number))
      .limit(1);
    const notDue = last && (last.dueAt === null || last.dueAt > now);
    if (last && notDue && sameAnswers(last.answers, checked.answers)) return null;
    const number = await nextNumber(tx, ws, `ia:${system.id}`);
    await tx.insert(impactAssessments).values({
      workspaceId: ws,
      systemId: system.id,
      number,
      version: IMPACT_QUESTIONS_VERSION,
      answers: checked.answers,
      fria,
      assessedById: ctx.actor.id,
      dueAt: locked.nextReviewAt,
      createdAt: now,
    });
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: 'impact.assessed',
      subjectType: 'impact_assessment',
      subjectId: impactRef(system.ref, number),
      data: { system: system.ref, version: IMPACT_QUESTIONS_VERSION, fria, answers: checked.answers, dueAt: locked.nextReviewAt?.toISOString() ?? null },
      at: now,
    });
    return true;
  });
  if (created === false) return refuse('not_allowed', `${system.ref} changed while you answered; nothing was saved. Open the impact assessment again.`);
  const impact = (await latestImpact(ctx.deps.db, ws, system.id))!;
  return { kind: 'assessed', system, impact, created: created === true };
}

function sameAnswers(a: Record<string, unknown>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
