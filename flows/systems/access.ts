/** Who may change a registration's details and ownership: its owner and compliance. */
import { isCompliance } from '../impact/inventory';
import type { FlowContext } from '../ports';
import { systemByRef } from '../registration';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { SystemView } from '../views';

/**
 * The system `ref` names, when the actor is its owner or in compliance and it is not retired.
 * `doing` completes "Only the owner of AI-3 (…) or a member of compliance can …".
 */
export async function ownedSystem(ctx: FlowContext, ref: string, doing: string): Promise<SystemView | Refusal> {
  const system = await systemByRef(ctx, ref);
  if ('kind' in system) return system;
  // Who may first, so a stranger learns nothing more about the system.
  if (system.owner.id !== ctx.actor.id && !isCompliance(ctx)) {
    return refuse('not_authorised', `Only the owner of ${system.ref} (${system.owner.name}) or a member of compliance can ${doing}.`);
  }
  if (system.status === 'retired') return refuse('closed', `${system.ref} is retired; its registration can no longer be changed.`);
  return system;
}
