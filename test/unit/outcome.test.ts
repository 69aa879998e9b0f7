/** Which step settled a request: the one the submitter is told about. */
import { describe, expect, it } from 'vitest';
import type { RequestView, StepView } from '../../flows';
import { decisiveStep, outcomeOf } from '../../flows';

const person = (id: number, name: string) => ({ id, platformId: `shell:${name}`, name, email: null });
const at = (iso: string) => new Date(iso);

function step(id: number, role: string, status: StepView['status'], decided?: { by: string; at: string; reason?: string }): StepView {
  return {
    id,
    position: id,
    role,
    status,
    approvers: [],
    group: role === 'owner' ? null : role,
    decidedBy: decided ? person(id, decided.by) : null,
    decidedAt: decided ? at(decided.at) : null,
    reason: decided?.reason ?? null,
  };
}

function request(status: RequestView['status'], steps: StepView[]): RequestView {
  return { steps, status, systemRef: 'AI-1', systemName: 'Tool' } as RequestView;
}

describe('decisiveStep', () => {
  const ownerComment = step(1, 'owner', 'approved', { by: 'bob', at: '2026-11-02T09:00:00Z', reason: 'fine by me' });

  it('is the rejection, not an earlier approval with a comment', () => {
    const r = request('rejected', [ownerComment, step(2, 'compliance', 'rejected', { by: 'carol', at: '2026-11-02T10:00:00Z', reason: 'no DPIA' }), step(3, 'privacy', 'cancelled')]);
    expect(outcomeOf(r).decisive).toMatchObject({ stepId: 2, role: 'compliance', reason: 'no DPIA', by: { name: 'carol' } });
  });

  it('is the request for changes when changes were asked', () => {
    const r = request('changes_requested', [ownerComment, step(2, 'privacy', 'changes_requested', { by: 'pat', at: '2026-11-02T10:00:00Z', reason: 'which data?' })]);
    expect(decisiveStep(r)?.id).toBe(2);
  });

  it('is the last approval for an approved request', () => {
    const r = request('approved', [
      step(1, 'owner', 'approved', { by: 'bob', at: '2026-11-02T11:00:00Z' }),
      step(2, 'compliance', 'approved', { by: 'carol', at: '2026-11-02T09:00:00Z', reason: 'ok' }),
    ]);
    expect(decisiveStep(r)?.role).toBe('owner');
  });

  it('prefers the step named by the outcome notification, and is null when no step settled it', () => {
    const r = request('approved', [ownerComment, step(2, 'compliance', 'approved', { by: 'carol', at: '2026-11-02T09:00:00Z' })]);
    expect(decisiveStep(r, 'approved', 2)?.role).toBe('compliance');
    expect(decisiveStep(request('superseded', [step(1, 'owner', 'pending')]))).toBeNull();
  });
});
