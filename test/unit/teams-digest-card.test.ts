/** The Teams digest card stays within the message limit and says how much it left out. */
import { describe, expect, it } from 'vitest';
import type { DigestItem, WeeklyDigest } from '../../flows';
import { cardBytes, digestCard, MESSAGE_MAX_BYTES } from '../../adapters/teams/digest-card';
import { cardText } from '../helpers/teams-harness';

const item = (n: number, name = `Tool number ${n}`): DigestItem => ({ ref: `AI-${n}`, name, riskClass: 'minimal', status: 'approved', department: `Dept ${n % 40}`, owner: `Owner ${n}` });

function digest(n: number, name?: (i: number) => string): WeeklyDigest {
  const items = Array.from({ length: n }, (_, i) => item(i + 1, name?.(i)));
  return {
    workspaceId: 1,
    organization: 'Acme',
    timezone: 'UTC',
    periodStart: '2026-11-02T00:00:00.000Z',
    periodEnd: '2026-11-09T00:00:00.000Z',
    periodLabel: '2026-11-02 – 2026-11-08',
    quiet: n === 0,
    counts: { registrations: n, approvals: n, rejections: 0, changesRequested: 0, blocked: 0 },
    activity: { registered: items, approved: items, rejected: [], changesRequested: [], blocked: [] },
    pendingApprovals: items.map((i, k) => ({ ...i, requestId: k + 1, ageHours: 50 + k, ageDays: 2, waitingFor: ['owner', 'compliance'] })),
    reviewsDueSoon: items.map((i) => ({ ...i, dueAt: '2026-11-20T00:00:00.000Z', dueInDays: 11 })),
    reviewsOverdue: items.map((i) => ({ ...i, dueAt: '2026-10-20T00:00:00.000Z', overdueDays: 20 })),
    inventory: { total: n, byRiskClass: [{ key: 'minimal', count: n }], byDepartment: Array.from({ length: Math.min(n, 40) }, (_, k) => ({ key: `Dept ${k}`, count: 1 })) },
    hiddenAi: items,
    highRisk: [],
    prohibited: [],
  };
}

describe('Teams digest card', () => {
  it('cuts long lists with "…and N more" and stays under the limit', () => {
    const card = digestCard(digest(500), [{ name: 'Erin' }]);
    expect(cardBytes(card)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    const text = cardText(card);
    expect(text).toContain('Registrations: 500');
    expect(text).toContain('Pending approvals (500)');
    expect(text).toMatch(/…and 485 more/);
    expect(text).toContain('Erin has not installed the aimsbot app');
  });

  it('cuts long names and keeps the count of what was left out', () => {
    const card = digestCard(digest(60, (i) => `${'Very long tool name '.repeat(20)}${i}`));
    expect(cardBytes(card)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    const text = cardText(card);
    expect(text).toMatch(/- \*\*Registered:\*\* AI-1 Very long tool name .*…, AI-2 .* …and \d+ more$/m);
    expect(text).not.toContain('Very long tool name '.repeat(5));
  });

  it('shortens every list until the message fits', () => {
    const big = digest(200);
    const roomy = cardText(digestCard(big, [], 1_000_000));
    const tight = digestCard(big, [], 5_000);
    expect(cardBytes(tight)).toBeLessThanOrEqual(5_000);
    expect(roomy).toContain('…and 185 more');
    expect(cardText(tight)).toMatch(/…and (192|196|199) more/);
  });

  it('a quiet week gets the short form', () => {
    const text = cardText(digestCard(digest(0)));
    expect(text).toContain('A quiet week');
    expect(text).toContain('Systems in the inventory: 0');
    expect(text).not.toContain('Inventory:');
  });
});
