/**
 * The stages of a nonconformity (10.2): `nc raise`, containment, root cause, corrective actions
 * (tasks of kind `corrective_action`), the effectiveness verification ("no" reopens it with the
 * root cause kept) and closure by compliance. Each change is one conditional UPDATE on the
 * status with its audit event in the same transaction, so a replayed or raced button changes
 * the NC once and the other clicks are told it was already done.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { nonconformities } from '../../db/schema-improve';
import { appendAudit, auditedTransaction } from '../audit';
import { ensurePerson, personLabel } from '../identity';
import type { FlowContext } from '../ports';
import { ncRef, taskRef } from '../refs';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { todayOf } from '../risks/register';
import { createTask } from '../tasks/create';
import type { FieldError } from '../triage/types';
import type { NcFormValues } from './form';
import { ncText, parseEffective, parseNcAction, parseNcRaise } from './form';
import type { NcRow } from './open-nc';
import { openNonconformity } from './open-nc';
import type { NcView } from './view';
import { actionsComplete, isCompliance, mayAct, ncActionRows, ncByRef, ncView, roundActions } from './view';

/** What a stage did: the NC as it is now and a sentence for the person who acted. */
export interface NcChanged {
  kind: 'nc';
  nc: NcView;
  message: string;
}

type Result = NcChanged | Refusal;

async function done(ctx: FlowContext, ref: string, message: string): Promise<NcChanged> {
  const nc = (await ncByRef(ctx, ref)) as NcRow;
  return { kind: 'nc', nc: await ncView(ctx, nc), message };
}

/**
 * `nc raise`: anyone opens an NC; the owner is told (see openNonconformity). `formKey` names the
 * form it came from (a modal, a card): the same form submitted again is the same NC.
 */
export async function raiseNc(ctx: FlowContext, values: NcFormValues, formKey?: string | null): Promise<Result> {
  const input = parseNcRaise(values);
  if (Array.isArray(input)) return invalid(input);
  const now = ctx.deps.clock.now();
  const key = formKey && /^[\w-]{8,64}$/.test(formKey) ? `raise:${ctx.actor.id}:${formKey}` : null;
  const out = await auditedTransaction(ctx.deps.db, async (tx) => {
    const owner = await ensurePerson(tx, ctx.workspace.id, { platformId: input.owner }, now);
    const { nc, created } = await openNonconformity(tx, {
      workspaceId: ctx.workspace.id,
      source: input.source,
      severity: input.severity,
      description: input.description,
      ownerId: owner.id,
      createdById: ctx.actor.id,
      dedupeKey: key,
      actor: ctx.actor.platformId,
      at: now,
    });
    return { ref: ncRef(nc.number), created };
  });
  return done(ctx, out.ref, out.created ? `Raised ${out.ref}; its owner has been told.` : `This form already raised ${out.ref}; nothing changed.`);
}

/** The NC the actor may work on, or the refusal they see. */
async function actable(ctx: FlowContext, ref: string): Promise<NcRow | Refusal> {
  const nc = await ncByRef(ctx, ref);
  if ('kind' in nc) return nc;
  if (!mayAct(ctx.deps.policy, ctx.actor, nc)) return refuse('not_authorised', `Only the owner of ${ncRef(nc.number)} or compliance can work on it; you can view it with nc ${ncRef(nc.number)}.`);
  if (nc.status === 'closed') return refuse('closed', `${ncRef(nc.number)} is closed; nothing can be changed.`);
  return nc;
}

const refusedText = (field: string, errors: FieldError[]): Refusal => invalid(errors.map((e) => ({ ...e, field })));

/** `nc.containment`: the immediate correction (may be refined while the NC is open). */
export async function containNc(ctx: FlowContext, ref: string, values: NcFormValues): Promise<Result> {
  const found = await actable(ctx, ref);
  if ('kind' in found) return found;
  const errors: FieldError[] = [];
  const text = ncText('containment', values['containment'] ?? values['text'], errors, 'say what was done at once to contain it');
  if (errors.length) return refusedText('containment', errors);
  const r = ncRef(found.number);
  if (found.containment === text) return done(ctx, r, `That containment of ${r} is already recorded; nothing changed.`);
  const now = ctx.deps.clock.now();
  const won = await auditedTransaction(ctx.deps.db, async (tx) => {
    const [row] = await tx
      .update(nonconformities)
      .set({ containment: text, containedAt: now, updatedAt: now })
      .where(and(eq(nonconformities.id, found.id), ne(nonconformities.status, 'closed'), sql`${nonconformities.containment} is distinct from ${text}`))
      .returning({ id: nonconformities.id });
    if (!row) return false;
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.contained', subjectType: 'nonconformity', subjectId: r, data: { containment: text, previous: found.containment }, at: now });
    return true;
  });
  return done(ctx, r, won ? `Containment of ${r} recorded.` : `${r} changed meanwhile (closed, or the same containment recorded); nothing changed.`);
}

/** `nc.root_cause`: needed before any action is planned; kept when the NC is reopened. */
export async function setRootCause(ctx: FlowContext, ref: string, values: NcFormValues): Promise<Result> {
  const found = await actable(ctx, ref);
  if ('kind' in found) return found;
  const r = ncRef(found.number);
  if (found.status === 'verifying') return refuse('not_allowed', `Every action of ${r} is done; verify their effectiveness first (not effective reopens it and the root cause can be revised).`);
  const errors: FieldError[] = [];
  const text = ncText('root_cause', values['root_cause'] ?? values['text'], errors, 'say why it happened');
  if (errors.length) return refusedText('root_cause', errors);
  if (found.rootCause === text) return done(ctx, r, `That root cause of ${r} is already recorded; nothing changed.`);
  const now = ctx.deps.clock.now();
  const won = await auditedTransaction(ctx.deps.db, async (tx) => {
    const [row] = await tx
      .update(nonconformities)
      .set({ rootCause: text, rootCauseAt: now, updatedAt: now })
      .where(and(eq(nonconformities.id, found.id), inArray(nonconformities.status, ['open', 'action_planned']), sql`${nonconformities.rootCause} is distinct from ${text}`))
      .returning({ id: nonconformities.id });
    if (!row) return false;
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.root_cause_set', subjectType: 'nonconformity', subjectId: r, data: { rootCause: text, previous: found.rootCause }, at: now });
    return true;
  });
  return done(ctx, r, won ? `Root cause of ${r} recorded; plan the corrective actions.` : `${r} changed meanwhile; nothing changed.`);
}

/**
 * `nc.add_action`: a corrective action as a task (`corrective_action`, subject `nc`); the first
 * moves the NC to `action_planned`. The same action submitted twice (a replay) is one task: its
 * dedupe key is the NC, the round (changes after a "not effective" verification) and the answers.
 */
export async function addNcAction(ctx: FlowContext, ref: string, values: NcFormValues): Promise<Result> {
  const found = await actable(ctx, ref);
  if ('kind' in found) return found;
  const r = ncRef(found.number);
  if (found.rootCause === null) return refuse('not_allowed', `Record the root cause of ${r} first: corrective actions address the cause.`);
  if (found.status === 'verifying') return refuse('not_allowed', `Every action of ${r} is done; verify their effectiveness (not effective reopens it for new actions).`);
  const input = parseNcAction(values, todayOf(ctx));
  if (Array.isArray(input)) return invalid(input);
  const now = ctx.deps.clock.now();
  const round = found.verifiedAt?.getTime() ?? 0;
  const digest = createHash('sha256').update(JSON.stringify([input.title, input.assignee, input.dueDate])).digest('hex').slice(0, 16);
  const out = await auditedTransaction(ctx.deps.db, async (tx) => {
    // Planning is allowed while open or planned; the lock keeps a concurrent verify or close out.
    const [nc] = await tx
      .select()
      .from(nonconformities)
      .where(and(eq(nonconformities.id, found.id), inArray(nonconformities.status, ['open', 'action_planned'])))
      .for('update');
    if (!nc) return null;
    const assignee = await ensurePerson(tx, ctx.workspace.id, { platformId: input.assignee }, now);
    const { task, created } = await createTask(tx, {
      workspaceId: ctx.workspace.id,
      kind: 'corrective_action',
      subjectType: 'nc',
      subjectId: nc.id,
      systemId: nc.systemId,
      dedupeKey: `nc_action:${nc.id}:${round}:${digest}`,
      title: input.title,
      detail: `Corrective action of ${r}`,
      assigneeId: assignee.id,
      dueDate: input.dueDate,
      actor: ctx.actor.platformId,
      at: now,
    });
    if (!created) return { task: taskRef(task.number), created };
    await tx.update(nonconformities).set({ status: 'action_planned', updatedAt: now }).where(eq(nonconformities.id, nc.id));
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'nc.action_added',
      subjectType: 'nonconformity',
      subjectId: r,
      data: { task: taskRef(task.number), title: input.title, assignee: input.assignee, dueDate: input.dueDate, previousStatus: nc.status },
      at: now,
    });
    return { task: taskRef(task.number), created };
  });
  if (!out) return refuse('already_decided', `${r} is no longer being planned; nothing changed.`);
  return done(ctx, r, out.created ? `Corrective action ${out.task} added to ${r}.` : `That action is already ${out.task} of ${r}; nothing changed.`);
}

/**
 * `nc.verify`: once every action is closed (one at least done). Yes records it effective (then
 * compliance closes it); no reopens it: status `open`, the root cause kept, new actions needed.
 */
export async function verifyNc(ctx: FlowContext, ref: string, values: NcFormValues): Promise<Result> {
  const found = await actable(ctx, ref);
  if ('kind' in found) return found;
  const r = ncRef(found.number);
  const effective = parseEffective(values['effective']);
  if (Array.isArray(effective)) return invalid(effective);
  if (found.effective === true) return refuse('already_decided', `${r} was already verified effective on ${found.verifiedAt?.toISOString().slice(0, 10) ?? 'an earlier day'}; compliance can close it.`);
  const now = ctx.deps.clock.now();
  const out = await auditedTransaction(ctx.deps.db, async (tx) => {
    const [nc] = await tx
      .select()
      .from(nonconformities)
      .where(and(eq(nonconformities.id, found.id), inArray(nonconformities.status, ['action_planned', 'verifying']), sql`${nonconformities.effective} is not true`))
      .for('update');
    if (!nc) return 'gone' as const;
    // A verification stands for one round of actions: not one done since the last "no".
    if (!actionsComplete(roundActions(nc, await ncActionRows(tx, ctx.workspace.id, nc.id)))) return 'incomplete' as const;
    const base = { effective, verifiedById: ctx.actor.id, verifiedAt: now, updatedAt: now, lastReminderStage: null, lastRemindedAt: null };
    await tx
      .update(nonconformities)
      .set(effective ? base : { ...base, status: 'open', effectivenessDueAt: null })
      .where(eq(nonconformities.id, nc.id));
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.verified', subjectType: 'nonconformity', subjectId: r, data: { effective }, at: now });
    if (!effective) {
      await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.reopened', subjectType: 'nonconformity', subjectId: r, data: { previousStatus: nc.status, rootCause: nc.rootCause }, at: now });
    }
    return 'ok' as const;
  });
  if (out === 'incomplete') return refuse('not_allowed', `${r} cannot be verified yet: every corrective action must be done or not applicable, at least one done.`);
  if (out === 'gone') {
    const again = (await ncByRef(ctx, r)) as NcRow;
    if (again.effective === true) return refuse('already_decided', `${r} was already verified effective; compliance can close it.`);
    const why = again.status !== 'open' ? '' : again.effective === false ? ' (it was reopened: plan new actions first)' : again.rootCause === null ? ' (record its root cause, then plan corrective actions)' : ' (plan its corrective actions first)';
    return refuse('not_allowed', `${r} has no completed round of corrective actions to verify${why}.`);
  }
  return done(ctx, r, effective ? `${r} is verified effective; compliance can close it.` : `${r} was not effective and is reopened: the root cause is kept; plan new corrective actions.`);
}

/** Why an NC cannot be closed yet, or null. */
export function closeProblem(nc: NcRow, actions: ReadonlyArray<{ status: string }>): string | null {
  const r = ncRef(nc.number);
  if (nc.rootCause === null) return `${r} cannot be closed: its root cause is not recorded.`;
  if (actions.length === 0) return `${r} cannot be closed: it has no corrective action.`;
  if (actions.some((a) => a.status === 'open')) return `${r} cannot be closed: ${actions.filter((a) => a.status === 'open').length} corrective action(s) are still open.`;
  if (!actions.some((a) => a.status === 'done')) return `${r} cannot be closed: no corrective action is done (all were marked not applicable).`;
  if (nc.effective !== true) return `${r} cannot be closed: the effectiveness of its actions has not been verified as effective.`;
  return null;
}

/** `nc.close`: compliance only, once the root cause is set, every action done and verified effective. */
export async function closeNc(ctx: FlowContext, ref: string): Promise<Result> {
  const found = await ncByRef(ctx, ref);
  if ('kind' in found) return found;
  const r = ncRef(found.number);
  if (!isCompliance(ctx.deps.policy, ctx.actor)) return refuse('not_authorised', `Only compliance can close ${r}.`);
  if (found.status === 'closed') return refuse('already_decided', `${r} is already closed${found.closedAt ? ` (on ${found.closedAt.toISOString().slice(0, 10)})` : ''}.`);
  const now = ctx.deps.clock.now();
  const out = await auditedTransaction(ctx.deps.db, async (tx): Promise<{ already: true } | { problem: string } | { ok: true }> => {
    const [nc] = await tx
      .select()
      .from(nonconformities)
      .where(and(eq(nonconformities.id, found.id), ne(nonconformities.status, 'closed')))
      .for('update');
    if (!nc) return { already: true };
    const problem = closeProblem(nc, await ncActionRows(tx, ctx.workspace.id, nc.id));
    if (problem) return { problem };
    await tx.update(nonconformities).set({ status: 'closed', closedById: ctx.actor.id, closedAt: now, updatedAt: now }).where(and(eq(nonconformities.id, nc.id), isNull(nonconformities.closedAt)));
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'nc.closed', subjectType: 'nonconformity', subjectId: r, data: { previousStatus: nc.status }, at: now });
    return { ok: true };
  });
  if ('already' in out) return refuse('already_decided', `${r} is already closed.`);
  if ('problem' in out) return refuse('not_allowed', out.problem);
  return done(ctx, r, `${r} is closed by ${personLabel(ctx.actor)}.`);
}
