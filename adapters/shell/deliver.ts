/** The shell's deliverer: prints each outbox notification as a line the reader can follow. */
import { eq } from 'drizzle-orm';
import { people } from '../../db/schema';
import type { Deliverer, FlowDeps, OutboxRow, RequestView } from '../../flows';
import { loadRequestView, outcomeOf } from '../../flows';
import { checkpointPrinted } from './checkpoint';

/** Kinds that carry a plain `text` for their person or channel (the scheduled jobs', and `approval.stuck`). */
const JOB_KINDS = new Set(['review.reminder', 'review.escalation', 'approval.reminder', 'approval.escalation', 'digest.weekly', 'audit.checkpoint', 'triage.retriage_needed', 'approval.stuck']);

/** Builds a deliverer that writes to `print`. */
export function shellDeliverer(deps: FlowDeps, print: (text: string) => void): Deliverer {
  return async (row: OutboxRow) => {
    const p = row.payload as Record<string, unknown>;
    const request =
      typeof p.requestId === 'number' ? await loadRequestView(deps.db, deps.policy, row.workspaceId, p.requestId) : null;
    switch (row.kind) {
      case 'approval.requested': {
        if (!request) break;
        const steps = request.steps.map((s) => `${s.role} (${s.approvers.join(', ') || 'no members'})`).join('; ');
        const verb = request.status === 'blocked' ? 'is BLOCKED (prohibited practice); compliance confirms' : 'needs approval from';
        print(`[#approvals] ${request.systemRef} "${request.systemName}" (${request.classification.riskClass}) ${verb}: ${steps}`);
        return { ok: true };
      }
      case 'approval.updated': {
        if (!request) break;
        const steps = request.steps.map((s) => `${s.role} ${s.status.replace('_', ' ')}${s.decidedBy ? ` by ${s.decidedBy.name}` : ''}`);
        print(`[update] ${request.systemRef} approval ${request.status.replace('_', ' ')}: ${steps.join('; ')}`);
        return { ok: true };
      }
      case 'approval.outcome': {
        if (!request) break;
        // The step that settled it, with its reason; other steps' comments are not the reason.
        const status = (typeof p.status === 'string' ? p.status : request.status) as RequestView['status'];
        const d = outcomeOf(request, status, typeof p.stepId === 'number' ? p.stepId : undefined).decisive;
        const by = d?.by ? ` by ${d.by.name} (${d.role} step)` : '';
        const reason = d?.reason ? `: "${d.reason}"` : '';
        print(`[to ${request.submittedBy.name}] ${request.systemRef} "${request.systemName}" was ${status.replace('_', ' ')}${by}${reason}`);
        return { ok: true };
      }
      default:
        if (JOB_KINDS.has(row.kind)) {
          print(`${await addressOf(deps, row)} ${summarise(p)}`);
          await checkpointPrinted(deps, row);
          return { ok: true };
        }
        print(`[${row.kind}] ${summarise(p)}`);
        return { ok: true };
    }
    return { ok: false, permanent: true, error: `${row.kind}: its subject no longer exists` };
  };
}

function summarise(payload: Record<string, unknown>): string {
  if (typeof payload.text === 'string') return payload.text;
  return JSON.stringify(payload);
}

/** `[to alice]` for a person, `[#digest]` for a channel. */
async function addressOf(deps: FlowDeps, row: OutboxRow): Promise<string> {
  const r = row.recipient as { person?: number; channel?: string };
  if (typeof r.person === 'number') {
    const [p] = await deps.db.select().from(people).where(eq(people.id, r.person));
    return `[to ${p?.displayName ?? p?.platformId ?? `person ${r.person}`}]`;
  }
  return `[#${r.channel ?? 'unknown'}]`;
}
