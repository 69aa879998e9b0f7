/** The plain-text digest gives dates in the policy's time zone. */
import { describe, expect, it } from 'vitest';
import type { WeeklyDigest } from '../../flows';
import { renderDigestText } from '../../flows';

const item = { ref: 'AI-1', name: 'Late Night', riskClass: 'minimal', status: 'approved', department: 'HR', owner: 'bob' };

describe('renderDigestText', () => {
  it('prints a review due at 00:30 Berlin time on the Berlin date, not the UTC one', () => {
    const digest: WeeklyDigest = {
      workspaceId: 1,
      organization: 'Acme',
      timezone: 'Europe/Berlin',
      periodStart: '2026-11-02T08:00:00.000Z',
      periodEnd: '2026-11-09T08:00:00.000Z',
      periodLabel: '2026-11-02 – 2026-11-09',
      quiet: true,
      counts: { registrations: 0, approvals: 0, rejections: 0, changesRequested: 0, blocked: 0 },
      activity: { registered: [], approved: [], rejected: [], changesRequested: [], blocked: [] },
      pendingApprovals: [],
      reviewsDueSoon: [{ ...item, dueAt: '2026-11-10T23:30:00.000Z', dueInDays: 2 }],
      reviewsOverdue: [],
      inventory: { total: 1, byRiskClass: [{ key: 'minimal', count: 1 }], byDepartment: [{ key: 'HR', count: 1 }] },
      hiddenAi: [],
      highRisk: [],
      prohibited: [],
    };
    expect(renderDigestText(digest)).toContain('AI-1 Late Night — due 2026-11-11, owner bob');
  });
});
