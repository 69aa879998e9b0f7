/** Who may decide an approval step (product.md "Rules that users rely on"). Pure functions. */
import type { Policy } from './policy';
import { isGroupMember } from './policy';
import type { Person } from './ports';

/** The roles whose steps a submitter may not decide on their own request. */
export const INDEPENDENT_ROLES = new Set(['compliance', 'privacy', 'security']);

/** What the rule needs of a step. */
export interface StepFacts {
  id: number;
  role: string;
  groupName: string | null;
  ownerId: number | null;
  status: string;
  decidedById: number | null;
}

/** Why someone may not decide a step, or null when they may. */
export type DecideRefusal = { code: 'not_authorised' | 'not_allowed'; message: string } | null;

/** Whether `actor` is one of the people who may decide this step at all. */
export function isStepApprover(policy: Policy, step: StepFacts, actor: Person): boolean {
  if (step.ownerId !== null) return step.ownerId === actor.id;
  return !!step.groupName && isGroupMember(policy, step.groupName, actor.platformId, actor.email);
}

/** Who decides a step, as people read it: the owner, a group's members, or the fallback person. */
function deciderOf(step: StepFacts): string {
  if (step.ownerId !== null) return 'the business owner';
  const g = step.groupName ?? '';
  // A fallback naming one person stores that person's id as the step's group.
  if (g.includes(':')) return `${g.replace(/^(slack|teams|email|shell):/, '')}, named as fallback by the policy`;
  return `a member of the ${g} group`;
}

/**
 * Checks every rule for `actor` deciding `step`: membership (or ownership), one step per person
 * per request, and no compliance/privacy/security step on one's own request.
 */
export function checkCanDecide(
  policy: Policy,
  step: StepFacts,
  siblings: StepFacts[],
  actor: Person,
  submitterId: number,
): DecideRefusal {
  if (!isStepApprover(policy, step, actor)) {
    return { code: 'not_authorised', message: `This is not yours to decide: the ${step.role.replace(/_/g, ' ')} step is decided by ${deciderOf(step)}.` };
  }
  const other = siblings.find((s) => s.id !== step.id && s.decidedById === actor.id);
  if (other) {
    return {
      code: 'not_allowed',
      message: `You already decided the ${other.role} step of this request; one person decides at most one step.`,
    };
  }
  if (submitterId === actor.id && INDEPENDENT_ROLES.has(step.role)) {
    return {
      code: 'not_allowed',
      message: `You submitted this request, so someone else ${step.groupName?.includes(':') ? 'named by the policy' : `in the ${step.groupName ?? step.role} group`} must decide the ${step.role} step.`,
    };
  }
  return null;
}
