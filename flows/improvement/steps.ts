/**
 * The nonconformity's steps as every adapter offers them (spec/aims.md ids `nc.raise`,
 * `nc.containment`, `nc.root_cause`, `nc.add_action`, `nc.verify`): what each form asks, what it
 * is called, whether the viewer may take it now and, if not, why, and the flow that applies it.
 */
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import type { NcField, NcFormValues } from './form';
import { NC_ACTION_FIELDS, NC_ACTIONS, NC_CONTAINMENT_FIELDS, NC_RAISE_FIELDS, NC_ROOT_CAUSE_FIELDS, NC_VERIFY_FIELDS } from './form';
import type { NcChanged } from './stages';
import { addNcAction, containNc, raiseNc, setRootCause, verifyNc } from './stages';
import type { NcView } from './view';

/** What each step's form asks. */
export const NC_STEP_FIELDS: Record<string, readonly NcField[]> = {
  [NC_ACTIONS.raise]: NC_RAISE_FIELDS,
  [NC_ACTIONS.containment]: NC_CONTAINMENT_FIELDS,
  [NC_ACTIONS.rootCause]: NC_ROOT_CAUSE_FIELDS,
  [NC_ACTIONS.addAction]: NC_ACTION_FIELDS,
  [NC_ACTIONS.verify]: NC_VERIFY_FIELDS,
};

/** Each step's form title. */
export const NC_STEP_TITLES: Record<string, string> = {
  [NC_ACTIONS.raise]: 'Raise a nonconformity',
  [NC_ACTIONS.containment]: 'Containment',
  [NC_ACTIONS.rootCause]: 'Root cause',
  [NC_ACTIONS.addAction]: 'Corrective action',
  [NC_ACTIONS.verify]: 'Verify effectiveness',
};

/** The view flag that allows each step on an existing NC. */
export const NC_STEP_FLAGS: Record<string, keyof NcView['can']> = {
  [NC_ACTIONS.containment]: 'containment',
  [NC_ACTIONS.rootCause]: 'rootCause',
  [NC_ACTIONS.addAction]: 'addAction',
  [NC_ACTIONS.verify]: 'verify',
};

/** Why the viewer cannot take step `id` on the NC now, or null when they can. */
export function ncStepRefusal(v: NcView, id: string): string | null {
  const flag = NC_STEP_FLAGS[id];
  if (!flag) return 'That is not a step of a nonconformity.';
  if (v.can[flag]) return null;
  if (v.status === 'closed') return `${v.ref} is closed; nothing can be changed.`;
  if (!v.can.containment) return `Only the owner of ${v.ref} or compliance can work on it.`;
  if (flag === 'addAction' && !v.rootCause) return `Record the root cause of ${v.ref} first: corrective actions address the cause.`;
  if (flag === 'verify') return v.effective ? `${v.ref} was already verified effective; compliance can close it.` : `${v.ref} cannot be verified yet: every corrective action must be done or not applicable, at least one done.`;
  return `${v.ref} is ${v.statusLabel}; that step is not open now.`;
}

/** Applies step `id` with the form's answers (`key` makes a replayed raise one NC). */
export function applyNcStep(ctx: FlowContext, id: string, ref: string, values: NcFormValues, key?: string): Promise<NcChanged | Refusal> {
  switch (id) {
    case NC_ACTIONS.raise:
      return raiseNc(ctx, values, key);
    case NC_ACTIONS.containment:
      return containNc(ctx, ref, values);
    case NC_ACTIONS.rootCause:
      return setRootCause(ctx, ref, values);
    case NC_ACTIONS.addAction:
      return addNcAction(ctx, ref, values);
    default:
      return verifyNc(ctx, ref, values);
  }
}
