/**
 * A digest lists at most DIGEST_LIST_LIMIT items per section but counts them all: every renderer
 * shows the whole count (from `totals` and `counts`), and how many more the CSV holds.
 */
import { describe, expect, it } from 'vitest';
import type { DigestItem, WeeklyDigest } from '../../flows';
import { DIGEST_LIST_LIMIT, digestTotal, renderDigestText } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { digestCard } from '../../adapters/teams/digest-card';
import { cardText } from '../helpers/teams-harness';

const item = (n: number): DigestItem => ({ ref: `AI-${n}`, name: `Tool ${n}`, riskClass: 'high', status: 'approved', department: 'Ops', owner: 'bob' });
const items = Array.from({ length: DIGEST_LIST_LIMIT }, (_, i) => item(i + 1));
const TOTAL = 12_345;

const digest: WeeklyDigest = {
  workspaceId: 1,
  organization: 'Acme',
  timezone: 'UTC',
  periodStart: '2026-10-05T00:00:00.000Z',
  periodEnd: '2026-10-12T00:00:00.000Z',
  periodLabel: '2026-10-05 – 2026-10-11',
  quiet: false,
  counts: { registrations: TOTAL, approvals: 0, rejections: 0, changesRequested: 0, blocked: 0 },
  activity: { registered: items, approved: [], rejected: [], changesRequested: [], blocked: [] },
  pendingApprovals: items.map((i) => ({ ...i, requestId: 1, ageHours: 100, ageDays: 4, waitingFor: ['compliance'] })),
  reviewsDueSoon: [],
  reviewsOverdue: items.map((i) => ({ ...i, dueAt: '2026-10-01T00:00:00.000Z', overdueDays: 11 })),
  inventory: { total: 100_000, byRiskClass: [{ key: 'high', count: 100_000 }], byDepartment: [{ key: 'Ops', count: 100_000 }] },
  hiddenAi: [],
  highRisk: [],
  prohibited: [],
  totals: { pendingApprovals: TOTAL, reviewsDueSoon: 0, reviewsOverdue: 99_000, hiddenAi: 0, highRisk: 0, prohibited: 0, retriageNeeded: 0, stuckSteps: 0 },
};

describe('digest totals', () => {
  it('reads the whole count from totals, and the length for digests written before them', () => {
    expect(digestTotal(digest, 'reviewsOverdue')).toBe(99_000);
    const { totals: _omitted, ...old } = digest;
    expect(digestTotal(old, 'reviewsOverdue')).toBe(DIGEST_LIST_LIMIT);
  });

  it('plain text counts everything and says how many more', () => {
    const text = renderDigestText(digest);
    expect(text).toContain(`Pending approvals (${TOTAL}):`);
    expect(text).toContain(`…and ${TOTAL - DIGEST_LIST_LIMIT} more (see the inventory CSV)`);
    expect(text).toContain('Overdue reviews (99000):');
  });

  it('Slack shows the whole counts', () => {
    const text = JSON.stringify(renderDigest(digest).blocks);
    expect(text).toContain(`*Pending approvals (${TOTAL})*`);
    expect(text).toContain('*Overdue reviews (99000)*');
    expect(text).toContain(`*Registered (${TOTAL})*`);
    expect(text).toContain(`…and ${99_000 - 20} more: see the attached CSV.`);
  });

  it('Teams shows the whole counts', () => {
    const text = cardText(digestCard(digest));
    expect(text).toContain(`Pending approvals (${TOTAL})`);
    expect(text).toContain('Overdue reviews (99000)');
  });
});
