/**
 * Changing the control register: `control.edit` (status, applicability override, owner,
 * evidence, justification) and `controls add <title>` (an organisation-defined `X-n`). Only
 * compliance may; each change and its audit event (`control.updated` with before and after,
 * `control.added`) are written in one transaction, and each edit stamps `reviewedAt`.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people } from '../../db/schema';
import { controlStates } from '../../db/schema-aims';
import { appendAudit } from '../audit';
import { ensurePerson } from '../identity';
import { isGroupMember } from '../policy';
import type { FlowContext } from '../ports';
import { customControlRef, nextNumber } from '../refs';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import type { ControlEdit } from './form';
import { parseControlEdit, parseControlTitle } from './form';
import type { ControlEntry } from './register';
import { controlRegister, normaliseControlId } from './register';

/** Whether the actor may work on the register (compliance). */
export function mayManageControls(ctx: FlowContext): boolean {
  return isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
}

/** The refusal for anyone outside compliance. */
export function controlsRefusal(what: string): Refusal {
  return refuse('not_authorised', `Only the compliance group can ${what}; nothing was changed.`);
}

/** A control of the register, for the edit form: the entry and the form's current values. */
export interface EditableControl {
  entry: ControlEntry;
  current: ControlEdit;
}

type StateRow = typeof controlStates.$inferSelect;

/** Thrown inside a transaction to roll it back and answer with the refusal. */
class Rollback extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** Runs `work` in a transaction; a Rollback becomes its refusal, with nothing written. */
async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T | Refusal> {
  try {
    return await db.transaction(work);
  } catch (err) {
    if (err instanceof Rollback) return err.refusal;
    throw err;
  }
}

function currentOf(state: StateRow | undefined, ownerPlatformId: string | null): ControlEdit {
  const o = state?.applicableOverride;
  return {
    status: (state?.status as ControlEdit['status'] | undefined) ?? 'not_started',
    applicable: o === true ? 'yes' : o === false ? 'no' : 'derived',
    owner: ownerPlatformId,
    evidence: state?.evidence ?? [],
    justification: state?.justification ?? null,
  };
}

/** Finds a control to edit (compliance only), with its form's current values. */
export async function editableControl(ctx: FlowContext, idText: string): Promise<EditableControl | Refusal> {
  if (!mayManageControls(ctx)) return controlsRefusal('edit controls');
  const id = normaliseControlId(idText);
  const entry = id ? (await controlRegister(ctx.deps.db, ctx.workspace.id)).find((e) => e.control === id) : undefined;
  if (!entry) return refuse('not_found', `"${idText.trim().slice(0, 40)}" is not a control of the register: use an Annex A id such as A.6.2.4, or X-1 for one of ours.`);
  const [state] = await ctx.deps.db
    .select()
    .from(controlStates)
    .where(and(eq(controlStates.workspaceId, ctx.workspace.id), eq(controlStates.controlId, entry.control)));
  return { entry, current: currentOf(state, entry.owner_id) };
}

/** Resolves the owner given in the form to a person of the workspace (by platform id, or by email). */
async function ownerId(tx: Db, ctx: FlowContext, owner: string | null, now: Date): Promise<number | null> {
  if (!owner) return null;
  if (owner.includes(':')) return (await ensurePerson(tx, ctx.workspace.id, { platformId: owner, email: owner.startsWith('email:') ? owner.slice(6) : undefined }, now)).id;
  const email = owner.toLowerCase();
  const [known] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.workspaceId, ctx.workspace.id), eq(people.email, email)))
    .limit(1);
  return known?.id ?? (await ensurePerson(tx, ctx.workspace.id, { platformId: `email:${email}`, email }, now)).id;
}

/** What `control.updated` records before and after. */
const auditState = (e: ControlEdit) => ({ status: e.status, applicable: e.applicable, owner: e.owner, evidence: e.evidence, justification: e.justification });

/** Applies a `control.edit` submission; field ids as in CONTROL_EDIT_FIELDS. */
export async function editControl(ctx: FlowContext, idText: string, raw: Record<string, unknown>): Promise<{ kind: 'updated'; entry: ControlEntry } | Refusal> {
  const found = await editableControl(ctx, idText);
  if ('kind' in found) return found;
  const controlId = found.entry.control;
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  const result = await inTransaction(ctx.deps.db, async (tx) => {
    // The row exists from here on, so concurrent edits queue on its lock instead of racing the insert.
    await tx.insert(controlStates).values({ workspaceId: ws, controlId, updatedAt: now }).onConflictDoNothing();
    const [state] = await tx
      .select()
      .from(controlStates)
      .where(and(eq(controlStates.workspaceId, ws), eq(controlStates.controlId, controlId)))
      .for('update');
    const [owner] = state?.ownerId ? await tx.select({ platformId: people.platformId }).from(people).where(eq(people.id, state.ownerId)) : [];
    const before = currentOf(state, owner?.platformId ?? null);
    const parsed = parseControlEdit(raw, before);
    if (!parsed.ok) throw new Rollback(invalid(parsed.errors));
    const after = parsed.edit;
    const owned = await ownerId(tx, ctx, after.owner, now);
    await tx
      .update(controlStates)
      .set({
        status: after.status,
        applicableOverride: after.applicable === 'derived' ? null : after.applicable === 'yes',
        justification: after.justification,
        ownerId: owned,
        evidence: after.evidence,
        reviewedAt: now,
        updatedAt: now,
      })
      .where(eq(controlStates.id, state!.id));
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: 'control.updated',
      subjectType: 'control',
      subjectId: controlId,
      data: { control: controlId, before: auditState(before), after: auditState(after) },
      at: now,
    });
    return null;
  });
  if (result) return result;
  const entry = (await controlRegister(ctx.deps.db, ws)).find((e) => e.control === controlId)!;
  return { kind: 'updated', entry };
}

/** Adds an organisation-defined control `X-n` (compliance only); the same title twice is refused. */
export async function addControl(ctx: FlowContext, titleText: string): Promise<{ kind: 'added'; entry: ControlEntry } | Refusal> {
  if (!mayManageControls(ctx)) return controlsRefusal('add controls');
  const parsed = parseControlTitle(titleText);
  if (!parsed.ok) return refuse('invalid', parsed.message);
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  const added = await inTransaction(ctx.deps.db, async (tx) => {
    // One writer at a time per workspace for the same-title check (the counter row is the lock).
    const n = await nextNumber(tx, ws, 'control');
    const [same] = await tx
      .select({ controlId: controlStates.controlId })
      .from(controlStates)
      .where(and(eq(controlStates.workspaceId, ws), eq(controlStates.custom, true), sql`lower(${controlStates.title}) = lower(${parsed.title})`));
    if (same) throw new Rollback(refuse('invalid', `${same.controlId} already has this title; nothing was added.`));
    const controlId = customControlRef(n);
    await tx.insert(controlStates).values({ workspaceId: ws, controlId, title: parsed.title, custom: true, updatedAt: now });
    await appendAudit(tx, { workspaceId: ws, actor: ctx.actor.platformId, action: 'control.added', subjectType: 'control', subjectId: controlId, data: { control: controlId, title: parsed.title }, at: now });
    return controlId;
  });
  if (typeof added !== 'string') return added;
  return { kind: 'added', entry: (await controlRegister(ctx.deps.db, ws)).find((e) => e.control === added)! };
}
