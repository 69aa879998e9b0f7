/**
 * The audit checkpoint at the foot of the weekly digest, on every surface: it is never cut,
 * however big the week (Slack's 50 blocks, Teams' message size), and a digest without one shows
 * nothing of it.
 */
import { describe, expect, it } from 'vitest';
import type { CheckpointView, DigestItem, WeeklyDigest } from '../../flows';
import { renderDigestText } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { renderCheckpoint } from '../../adapters/slack/render-checkpoint';
import { cardBytes, digestCard, MESSAGE_MAX_BYTES } from '../../adapters/teams/digest-card';
import { checkpointCard } from '../../adapters/teams/checkpoint-card';

const HASH = 'ab'.repeat(32);
const CHECKPOINT: CheckpointView = { id: 7, workspaceId: 1, seq: 41, hash: HASH, createdAt: '2026-11-30T09:00:00.000Z' };

const item = (n: number): DigestItem => ({ ref: `AI-${n}`, name: `Tool ${n} ${'x'.repeat(150)}`, riskClass: 'high', status: 'approved', department: `Dept ${n % 40}`, owner: `Owner ${n}` });

function digest(size: number, checkpoint: CheckpointView | null): WeeklyDigest {
  const items = Array.from({ length: size }, (_, i) => item(i + 1));
  return {
    workspaceId: 1,
    organization: 'Acme',
    timezone: 'UTC',
    periodStart: '2026-11-23T00:00:00.000Z',
    periodEnd: '2026-11-30T00:00:00.000Z',
    periodLabel: '2026-11-23 – 2026-11-29',
    quiet: false,
    counts: { registrations: size, approvals: size, rejections: size, changesRequested: size, blocked: size },
    activity: { registered: items, approved: items, rejected: items, changesRequested: items, blocked: items },
    pendingApprovals: items.map((i) => ({ ...i, requestId: 1, ageHours: 200, ageDays: 8, waitingFor: ['compliance'] })),
    reviewsDueSoon: items.map((i) => ({ ...i, dueAt: '2026-12-05T00:00:00.000Z', dueInDays: 5 })),
    reviewsOverdue: items.map((i) => ({ ...i, dueAt: '2026-11-01T00:00:00.000Z', overdueDays: 29 })),
    inventory: { total: size, byRiskClass: [{ key: 'high', count: size }], byDepartment: Array.from({ length: 40 }, (_, i) => ({ key: `Dept ${i}`, count: 1 })) },
    hiddenAi: items,
    highRisk: items,
    prohibited: items,
    checkpoint,
  };
}

const COMMAND = `aimsbot audit verify --checkpoint 41:${HASH}`;

describe('the checkpoint in the digest', () => {
  it('Slack: stays at the foot of a huge digest within 50 blocks, with the command to check it', () => {
    const msg = renderDigest(digest(300, CHECKPOINT));
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const foot = JSON.stringify(msg.blocks.slice(-2));
    expect(foot).toContain(`Audit trail checkpoint: event *41*, hash \`${HASH}\`, recorded 2026-11-30 09:00 (UTC)`);
    expect(foot).toContain(`\`${COMMAND}\``);
    expect(foot).toContain('The full inventory is attached as CSV.');
    expect(JSON.stringify(renderDigest(digest(3, null)).blocks)).not.toContain('checkpoint');
  });

  it('Teams: fits the message size with the checkpoint, even when only the counts fit', () => {
    for (const size of [3, 300]) {
      const card = digestCard(digest(size, CHECKPOINT));
      expect(cardBytes(card)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      expect(JSON.stringify(card)).toContain(`Audit trail checkpoint: event 41, hash ${HASH}, recorded 2026-11-30 09:00 UTC.`);
      expect(JSON.stringify(card)).toContain(COMMAND);
    }
    const countsOnly = digestCard(digest(3, CHECKPOINT), [], 2500);
    expect(JSON.stringify(countsOnly)).toContain('too long for one Teams message');
    expect(JSON.stringify(countsOnly)).toContain(`hash ${HASH}`);
    expect(JSON.stringify(digestCard(digest(3, null)))).not.toContain('checkpoint');
  });

  it('plain text: the last line names the head and the command', () => {
    expect(renderDigestText(digest(1, CHECKPOINT)).split('\n').at(-1)).toBe(
      `Audit trail checkpoint: event 41, hash ${HASH}, recorded 2026-11-30T09:00:00Z (workspace 1). Keep this message: \`${COMMAND}\` shows whether the trail still matches it.`,
    );
    expect(renderDigestText(digest(1, null))).not.toContain('checkpoint');
  });

  it('the checkpoint on its own: Slack message and Teams card', () => {
    const slack = JSON.stringify(renderCheckpoint(CHECKPOINT, 'Europe/Berlin').blocks);
    expect(slack).toContain(`\`${COMMAND}\``);
    // Slack says when in the policy's time zone (09:00 UTC is 10:00 in Berlin in November).
    expect(slack).toContain('recorded 2026-11-30 10:00 (Europe/Berlin)');
    expect(JSON.stringify(checkpointCard(CHECKPOINT))).toContain(`event 41, hash ${HASH}, recorded 2026-11-30 09:00 UTC.`);
  });
});
