/**
 * Editing a registration's details (name, vendor, link, purpose, department) without a new
 * triage: the owner or compliance, the same validation and duplicate-name rule as registering,
 * and one audit event naming each changed field with its old and new value.
 */
import { and, eq, ne } from 'drizzle-orm';
import { aiSystems, workspaces } from '../../db/schema';
import { appendAudit, auditedTransaction } from '../audit';
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import { REGISTRATION_FIELDS } from '../triage/registration-fields';
import { validateRegistration } from '../triage/validate';
import type { Question } from '../triage/question-types';
import type { SystemView } from '../views';
import { loadSystemView, nameKey } from '../views';
import { ownedSystem } from './access';

/** The fields `edit` changes, in form order. */
export const EDIT_FIELD_IDS = ['name', 'vendor', 'url', 'purpose', 'department'] as const;
/** One editable field. */
export type EditField = (typeof EDIT_FIELD_IDS)[number];

/** The edit form's fields: the registration's own definitions, so both forms agree. */
export const EDIT_FIELDS: Question[] = EDIT_FIELD_IDS.map((id) => REGISTRATION_FIELDS.find((f) => f.id === id)!);

/** A system's current values of the editable fields (the form's initial values). */
export function editValues(system: SystemView): Record<EditField, string> {
  return { name: system.name, vendor: system.vendor, url: system.url ?? '', purpose: system.purpose, department: system.department };
}

/** The outcome of an edit. */
export type EditResult =
  | { kind: 'edited'; system: SystemView; changes: Partial<Record<EditField, { from: string; to: string }>> }
  | { kind: 'unchanged'; system: SystemView }
  | Refusal;

/** The system the actor may edit (owner or compliance, not retired); adapters ask this before opening the form. */
export function editable(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  return ownedSystem(ctx, ref, 'edit it');
}

/**
 * Saves the edited fields of `ref`. Fields left out keep their value; unknown fields are errors.
 * A name another system of the workspace has (after folding) is refused, like a registration.
 */
export async function editRegistration(ctx: FlowContext, ref: string, input: unknown): Promise<EditResult> {
  const found = await editable(ctx, ref);
  if ('kind' in found) return found;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return refuse('invalid', 'The edit must be an object of fields.');
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !(EDIT_FIELD_IDS as readonly string[]).includes(k));
  if (unknown.length) return invalid(unknown.map((field) => ({ field, message: 'cannot be edited here; only name, vendor, link, purpose and department can' })));
  const before = editValues(found);
  // The registration's rules, with the fields edit does not touch as they are.
  const checked = validateRegistration({ ...before, ...given, owner: found.owner.platformId, usage_status: found.usageStatus });
  if (!checked.ok) return invalid(checked.errors.filter((e) => (EDIT_FIELD_IDS as readonly string[]).includes(e.field)));
  const after: Record<EditField, string> = { ...checked.fields, url: checked.fields.url ?? '' };
  const changes: Partial<Record<EditField, { from: string; to: string }>> = {};
  for (const f of EDIT_FIELD_IDS) if (before[f] !== after[f]) changes[f] = { from: before[f], to: after[f] };
  if (Object.keys(changes).length === 0) return { kind: 'unchanged', system: found };

  const { db, clock } = ctx.deps;
  const ws = ctx.workspace.id;
  const now = clock.now();
  const givenFields = EDIT_FIELD_IDS.filter((f) => f in given);
  const outcome = await auditedTransaction(db, async (tx) => {
    // As in registering: the workspace row serialises name changes, so two cannot take one name.
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, ws)).for('no key update');
    // The values as they are now (an edit that raced this one may have changed them): the audit
    // event's "from" is what this edit replaced.
    const [row] = await tx
      .select({ name: aiSystems.name, vendor: aiSystems.vendor, url: aiSystems.url, purpose: aiSystems.purpose, department: aiSystems.department })
      .from(aiSystems)
      .where(and(eq(aiSystems.id, found.id), eq(aiSystems.workspaceId, ws)))
      .for('update');
    const was: Record<EditField, string> = { name: row!.name, vendor: row!.vendor, url: row!.url ?? '', purpose: row!.purpose, department: row!.department };
    // Only the fields this edit gave are written; the others keep what they are now.
    const target: Record<EditField, string> = { ...was };
    for (const f of givenFields) target[f] = after[f];
    for (const f of EDIT_FIELD_IDS) delete changes[f];
    for (const f of EDIT_FIELD_IDS) if (was[f] !== target[f]) changes[f] = { from: was[f], to: target[f] };
    if (Object.keys(changes).length === 0) return { unchanged: true as const };
    const key = nameKey(target.name);
    if (changes.name && key !== nameKey(was.name)) {
      const [dup] = await tx
        .select({ id: aiSystems.id })
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, ws), eq(aiSystems.nameKey, key), ne(aiSystems.id, found.id)))
        .limit(1);
      if (dup) return { dupId: dup.id };
    }
    await tx
      .update(aiSystems)
      .set({ name: target.name, nameKey: key, vendor: target.vendor, url: target.url || null, purpose: target.purpose, department: target.department, updatedAt: now })
      .where(and(eq(aiSystems.id, found.id), eq(aiSystems.workspaceId, ws)));
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: 'system.edited',
      subjectType: 'ai_system',
      subjectId: found.id,
      data: { ref: found.ref, changes },
      at: now,
    });
    return {};
  });
  const system = (await loadSystemView(db, ws, found.id))!;
  if ('unchanged' in outcome) return { kind: 'unchanged', system };
  const { dupId } = outcome as { dupId?: number };
  if (dupId !== undefined) {
    const dup = await loadSystemView(db, ws, dupId);
    return invalid([{ field: 'name', message: `is already the name of ${dup?.ref ?? 'another system'} “${dup?.name ?? after.name}”; choose another name` }]);
  }
  return { kind: 'edited', system, changes };
}
