/**
 * The objectives in the weekly digest on Slack, Teams and as text: each objective with its value,
 * target, met or missed and the 8-week trend; metrics without an objective are not shown;
 * a hostile objective name stays inert.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectiveDigest, WeeklyDigest } from '../../flows';
import { objectiveDigestLines, objectiveMet, renderDigestText, trendText } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { digestCard } from '../../adapters/teams/digest-card';
import { HOSTILE, cardHazards, slackHazards } from '../helpers/hostile-text';
import { cardText } from '../helpers/teams-harness';

const objectives: ObjectiveDigest = {
  objectives: [
    { metric: 'reviews_on_time_pct', name: 'Reviews done on time', target: 90, direction: 'at_least', value: 95, met: true, trend: [82, 91, 95] },
    { metric: 'open_major_nc', name: `No major NCs ${HOSTILE}`, target: 0, direction: 'at_most', value: 2, met: false, trend: [0, null, 2] },
    { metric: 'policy_ack_pct', name: 'AI policy acknowledged', target: 80, direction: 'at_least', value: null, met: null, trend: [] },
  ],
};

function digest(quiet: boolean, withObjectives = true): WeeklyDigest {
  return {
    workspaceId: 1,
    organization: 'Acme',
    timezone: 'UTC',
    periodStart: '2026-11-23T00:00:00.000Z',
    periodEnd: '2026-11-30T00:00:00.000Z',
    periodLabel: '2026-11-23 – 2026-11-29',
    quiet,
    counts: { registrations: quiet ? 0 : 1, approvals: 0, rejections: 0, changesRequested: 0, blocked: 0 },
    activity: { registered: quiet ? [] : [{ ref: 'AI-1', name: 'Tool', riskClass: 'minimal', status: 'approved', department: 'IT', owner: 'bob' }], approved: [], rejected: [], changesRequested: [], blocked: [] },
    pendingApprovals: [],
    reviewsDueSoon: [],
    reviewsOverdue: [],
    inventory: { total: 1, byRiskClass: [{ key: 'minimal', count: 1 }], byDepartment: [{ key: 'IT', count: 1 }] },
    hiddenAi: [],
    highRisk: [],
    prohibited: [],
    ...(withObjectives ? { objectives } : {}),
  };
}

describe('objectives in the digest', () => {
  it('says met or missed in the metric direction', () => {
    expect(objectiveMet(95, 90, 'at_least')).toBe(true);
    expect(objectiveMet(89.9, 90, 'at_least')).toBe(false);
    expect(objectiveMet(0, 0, 'at_most')).toBe(true);
    expect(objectiveMet(null, 0, 'at_most')).toBeNull();
    expect(trendText([82, 91, 95])).toBe('82 → 91 → 95');
  });

  it('renders each objective with value, target, status and trend as text', () => {
    const lines = objectiveDigestLines(objectives);
    expect(lines[0]).toBe('Objectives (1 of 3 met):');
    expect(lines[1]).toBe('  ✓ Reviews done on time: 95% (target ≥ 90%) — met · last 3 weeks: 82 → 91 → 95');
    expect(lines[2]).toContain('2 (target ≤ 0) — missed · last 3 weeks: 0 → — → 2');
    expect(lines[3]).toBe('  · AI policy acknowledged: — (target ≥ 80%) — no data yet');
    expect(objectiveDigestLines(undefined)).toEqual([]);
    expect(renderDigestText(digest(false))).toContain('Reviews done on time: 95% (target ≥ 90%) — met');
    expect(renderDigestText(digest(false, false))).not.toContain('Objectives');
  });

  for (const quiet of [false, true]) {
    it(`Slack and Teams show the objectives in a ${quiet ? 'quiet' : 'busy'} week, with hostile names inert`, () => {
      const slack = renderDigest(digest(quiet));
      const blocks = JSON.stringify(slack.blocks);
      expect(blocks).toContain('Objectives (1 of 3 met):');
      expect(blocks).toContain('82 → 91 → 95');
      expect(slackHazards(slack, /^$/)).toEqual([]);
      const card = digestCard(digest(quiet));
      expect(cardText(card)).toContain('Reviews done on time: 95% (target ≥ 90%) — met · last 3 weeks: 82 → 91 → 95');
      expect(cardHazards(card)).toEqual([]);
      expect(JSON.stringify(renderDigest(digest(quiet, false)).blocks)).not.toContain('Objectives');
    });
  }
});
