/**
 * Tool names found by discovery may be free text (a survey's "other"): the digest lines, the
 * `inventory unregistered` page and the nudge render them inert on Slack and Teams.
 */
import { describe, expect, it } from 'vitest';
import type { InventoryPage, UnregisteredToolView, WeeklyDigest } from '../../flows';
import { discoveryDigestLines } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { renderInventory } from '../../adapters/slack/impact/render';
import { renderNudge } from '../../adapters/slack/discovery/delivery';
import { digestCard } from '../../adapters/teams/digest-card';
import { inventoryCard } from '../../adapters/teams/impact/cards';
import { nudgeCard } from '../../adapters/teams/discovery/nudge-card';
import { cardHazards, cardShows, HOSTILE, slackHazards } from '../helpers/hostile-text';

const NONE = /^$/;
const name = `Foo AI ${HOSTILE}`;
const seen = new Date('2026-11-02T09:00:00Z');

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
  inventory: { total: 0, byRiskClass: [], byDepartment: [] },
  hiddenAi: [],
  highRisk: [],
  prohibited: [],
  discovery: { unregistered: 20, tools: [{ name, people: 3, firstSeenAt: seen.toISOString(), source: 'survey' }] },
};

const tool: UnregisteredToolView = { toolKey: 'name:fooai', name, vendor: null, people: 3, firstSeenAt: seen, lastSeenAt: seen, source: 'survey' };
const page: InventoryPage = { kind: 'inventory', systems: [], page: 1, pages: 1, total: 1, filter: 'unregistered', next: null, note: null, unregistered: [tool] };

describe('discovery views with hostile tool names', () => {
  it('the digest lines count the rest and say where to find it', () => {
    const lines = discoveryDigestLines(digest.discovery, 'UTC');
    expect(lines[0]).toBe('Unregistered AI tools found (20):');
    expect(lines[1]).toContain('— 3 people, first seen 2026-11-02 (AI-use survey)');
    expect(lines.at(-1)).toBe('  …and 19 more (inventory unregistered)');
    expect(discoveryDigestLines(undefined, 'UTC')).toEqual([]);
  });

  it('Slack: digest, inventory page and nudge are inert', () => {
    for (const m of [renderDigest(digest), renderInventory(page, 'UTC'), renderNudge({ tool: 'foo', name, text: `You mentioned ${name}.` })]) {
      expect(slackHazards(m, NONE)).toEqual([]);
    }
    expect(JSON.stringify(renderDigest(digest))).toContain('Unregistered AI tools found (20)');
  });

  it('Teams: digest card, inventory card and nudge card are inert and show the name as typed', () => {
    for (const c of [digestCard(digest), inventoryCard(page, 'UTC'), nudgeCard({ tool: 'foo', name, text: `You mentioned ${name}.` })]) {
      expect(cardHazards(c)).toEqual([]);
    }
    expect(cardShows(inventoryCard(page, 'UTC'), 'Foo AI')).toBe(true);
  });
});
