/**
 * How a request ended, as the submitter is told on every platform: the status, and the step
 * that settled it — who decided, in which role, when, and their reason. Comments on other steps
 * (an owner approving with a remark before compliance rejects) are not the reason.
 */
import type { PersonView, RequestView, StepView } from './views';

/** The neutral outcome message. */
export interface OutcomeView {
  systemRef: string;
  systemName: string;
  status: RequestView['status'];
  /** The step whose decision settled the request, or null when none did (e.g. superseded). */
  decisive: { stepId: number; role: string; status: StepView['status']; by: PersonView | null; at: Date | null; reason: string | null } | null;
}

const SETTLING: Partial<Record<RequestView['status'], StepView['status']>> = {
  rejected: 'rejected',
  changes_requested: 'changes_requested',
  blocked: 'rejected',
  approved: 'approved',
};

/**
 * The step that settled a request with `status`: the one named by the outcome notification when
 * given, else the step decided that way — the rejection or request for changes, or for an
 * approval the last step approved.
 */
export function decisiveStep(r: RequestView, status: RequestView['status'] = r.status, stepId?: number): StepView | null {
  const named = stepId === undefined ? undefined : r.steps.find((s) => s.id === stepId && s.decidedBy !== null);
  if (named) return named;
  const settling = SETTLING[status];
  if (!settling) return null;
  const candidates = r.steps.filter((s) => s.status === settling && s.decidedBy !== null);
  // Latest decision wins; for steps decided in the same instant, the later step in the order.
  return candidates.reduce<StepView | null>((best, s) => {
    if (!best) return s;
    const [a, b] = [s.decidedAt?.getTime() ?? 0, best.decidedAt?.getTime() ?? 0];
    return a > b || (a === b && s.position > best.position) ? s : best;
  }, null);
}

/** The outcome of a request for its submitter. `stepId` comes from the `approval.outcome` payload when known. */
export function outcomeOf(r: RequestView, status: RequestView['status'] = r.status, stepId?: number): OutcomeView {
  const s = decisiveStep(r, status, stepId);
  return {
    systemRef: r.systemRef,
    systemName: r.systemName,
    status,
    decisive: s ? { stepId: s.id, role: s.role, status: s.status, by: s.decidedBy, at: s.decidedAt, reason: s.reason } : null,
  };
}
