/** The weekly digest lists the approval steps nobody can decide, in text, Slack and Teams. */
import { describe, expect, it } from 'vitest';
import type { WeeklyDigest } from '../../flows';
import { renderDigestText } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { digestCard } from '../../adapters/teams/digest-card';
import { cardText } from '../helpers/teams-harness';

const digest: WeeklyDigest = {
  workspaceId: 1,
  organization: 'Acme',
  timezone: 'UTC',
  periodStart: '2026-11-02T00:00:00.000Z',
  periodEnd: '2026-11-09T00:00:00.000Z',
  periodLabel: '2026-11-02 – 2026-11-08',
  quiet: true,
  counts: { registrations: 0, approvals: 0, rejections: 0, changesRequested: 0, blocked: 0 },
  activity: { registered: [], approved: [], rejected: [], changesRequested: [], blocked: [] },
  pendingApprovals: [],
  reviewsDueSoon: [],
  reviewsOverdue: [],
  inventory: { total: 1, byRiskClass: [{ key: 'high', count: 1 }], byDepartment: [{ key: 'HR', count: 1 }] },
  hiddenAi: [],
  highRisk: [],
  prohibited: [],
  stuckSteps: [
    {
      ref: 'AI-7',
      name: 'Screener <b>',
      riskClass: 'high',
      status: 'pending_approval',
      department: 'HR',
      owner: 'Bob',
      requestId: 3,
      stepId: 9,
      role: 'compliance',
      why: 'the only member of the compliance group submitted the request',
    },
  ],
};

describe('stuck steps in the digest', () => {
  it('plain text', () => {
    expect(renderDigestText(digest)).toContain(
      'Stuck approvals: nobody can decide (1):\n  AI-7 Screener <b> — the compliance step: the only member of the compliance group submitted the request',
    );
  });
  it('Slack', () => {
    const text = JSON.stringify(renderDigest(digest).blocks);
    expect(text).toContain('Stuck approvals: nobody can decide (1)');
    expect(text).toContain('*AI-7* Screener &lt;b&gt; — the compliance step: the only member of the compliance group submitted the request');
  });
  it('Teams', () => {
    const text = cardText(digestCard(digest));
    expect(text).toContain('Stuck approvals: nobody can decide (1)');
    expect(text).toContain('the compliance step: the only member of the compliance group submitted the request');
  });
  it('says nothing when nothing is stuck', () => {
    expect(renderDigestText({ ...digest, stuckSteps: [] })).not.toContain('Stuck approvals');
  });
});
