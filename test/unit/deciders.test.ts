/** Which steps of a request nobody can decide: distinct deciders, found by matching. */
import { describe, expect, it } from 'vitest';
import { analyseDeciders, parsePolicy } from '../../flows';
import type { DeciderStep, PeopleIndex } from '../../flows';

const index: PeopleIndex = { byPlatformId: new Map([['shell:bob', 2], ['shell:carol', 3], ['shell:dan', 4]]), byEmail: new Map([['dan@acme.example', 4]]) };
const step = (id: number, role: string, extra: Partial<DeciderStep> = {}): DeciderStep => ({
  id,
  role,
  status: 'pending',
  groupName: role === 'owner' ? null : role,
  ownerId: role === 'owner' ? 2 : null,
  decidedById: null,
  ...extra,
});

describe('analyseDeciders', () => {
  it('moves an earlier step to another member so that a later one can be decided', () => {
    const policy = parsePolicy({ groups: { compliance: ['shell:carol', 'shell:dan'], privacy: ['shell:carol'] } });
    const r = analyseDeciders(policy, 'shell', [step(1, 'owner'), step(2, 'compliance'), step(3, 'privacy')], 1, index);
    expect(r.stuck).toEqual([]);
  });

  it('the same person through an email member counts once', () => {
    const policy = parsePolicy({ groups: { compliance: ['shell:dan'], privacy: ['email:dan@acme.example'] } });
    const r = analyseDeciders(policy, 'shell', [step(1, 'owner'), step(2, 'compliance'), step(3, 'privacy')], 1, index);
    expect(r.stuck).toEqual([{ stepId: 3, role: 'privacy', reason: 'taken' }]);
  });

  it('a decided step keeps its decider out of the others; cancelled steps wait for nobody', () => {
    const policy = parsePolicy({ groups: { compliance: ['shell:bob', 'shell:carol'], privacy: ['shell:carol'] } });
    const steps = [step(1, 'owner', { status: 'cancelled' }), step(2, 'compliance', { status: 'approved', decidedById: 3 }), step(3, 'privacy')];
    expect(analyseDeciders(policy, 'shell', steps, 1, index).stuck).toEqual([{ stepId: 3, role: 'privacy', reason: 'taken' }]);
  });

  it('reroutes to the fallback only when the step is stuck, and only if the fallback can decide it', () => {
    const policy = parsePolicy({ groups: { compliance: ['shell:carol'], security: ['shell:dan'] }, approvals: { fallback: { compliance: 'security' } } });
    const stuck = analyseDeciders(policy, 'shell', [step(1, 'owner'), step(2, 'compliance')], 3, index);
    expect(stuck).toEqual({ stuck: [], rerouted: new Map([[2, 'security']]) });
    const fine = analyseDeciders(policy, 'shell', [step(1, 'owner'), step(2, 'compliance')], 1, index);
    expect(fine.rerouted.size).toBe(0);
    const noFallback = analyseDeciders(policy, 'shell', [step(1, 'owner'), step(2, 'compliance')], 3, index, false);
    expect(noFallback.stuck).toEqual([{ stepId: 2, role: 'compliance', reason: 'only_submitter' }]);
  });
});
