/** The Slack digest stays within Block Kit limits and escapes every name, however big the week. */
import { describe, expect, it } from 'vitest';
import type { DigestItem, WeeklyDigest } from '../../flows';
import { DIGEST_LIST_LINES, renderDigest } from '../../adapters/slack/render-digest';
import type { Block } from '../../adapters/slack/blocks';

const item = (n: number): DigestItem => ({
  ref: `AI-${n}`,
  name: `<!channel> Tool ${n} ${'x'.repeat(150)} & <@U0FAKE>`,
  riskClass: n % 2 ? 'high' : 'minimal',
  status: 'approved',
  department: `Dept <${n % 40}>`,
  owner: `Owner *${n}*`,
});

function digest(size: number, quiet = false): WeeklyDigest {
  const items = Array.from({ length: size }, (_, i) => item(i + 1));
  return {
    workspaceId: 1,
    organization: 'Acme <Holdings> & Co',
    timezone: 'UTC',
    periodStart: '2026-10-05T00:00:00.000Z',
    periodEnd: '2026-10-12T00:00:00.000Z',
    periodLabel: '2026-10-05 – 2026-10-11',
    quiet,
    counts: { registrations: size, approvals: size, rejections: size, changesRequested: size, blocked: size },
    activity: quiet
      ? { registered: [], approved: [], rejected: [], changesRequested: [], blocked: [] }
      : { registered: items, approved: items, rejected: items, changesRequested: items, blocked: items },
    pendingApprovals: items.map((i) => ({ ...i, requestId: 1, ageHours: 200, ageDays: 8, waitingFor: ['compliance', 'privacy <team>'] })),
    reviewsDueSoon: items.map((i) => ({ ...i, dueAt: '2026-10-20T00:00:00.000Z', dueInDays: 8 })),
    reviewsOverdue: items.map((i) => ({ ...i, dueAt: '2026-10-01T00:00:00.000Z', overdueDays: 11 })),
    inventory: {
      total: size,
      byRiskClass: [{ key: 'high', count: Math.ceil(size / 2) }, { key: 'minimal', count: Math.floor(size / 2) }],
      byDepartment: Array.from({ length: 40 }, (_, i) => ({ key: `Dept <${i}>`, count: 1 })),
    },
    hiddenAi: quiet ? [] : items,
    highRisk: quiet ? [] : items,
    prohibited: quiet ? [] : items,
  };
}

/** Every mrkdwn or plain text in the blocks. */
function texts(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks as Array<{ text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text?: string }> }>) {
    if (b.text) out.push(b.text.text);
    for (const f of b.fields ?? []) out.push(f.text);
    for (const e of b.elements ?? []) if (typeof e.text === 'string') out.push(e.text);
  }
  return out;
}

describe('Slack digest rendering', () => {
  it('keeps a huge week within 50 blocks and 3,000 characters a section, counting what is left out', () => {
    const msg = renderDigest(digest(300));
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const b of msg.blocks as Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>) {
      if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
    }
    const all = texts(msg.blocks).join('\n');
    // Every list is shown, each cut to its first lines with the rest counted.
    for (const title of ['Registered', 'Approved', 'Rejected', 'Changes requested', 'Blocked as prohibited', 'Pending approvals', 'Overdue reviews', 'Reviews due in the next 14 days', 'Hidden AI surfaced', 'High-risk systems', 'Prohibited practices']) {
      expect(all).toContain(`${title}`);
    }
    expect(all.match(/…and 280 more: see the attached CSV/g)).toHaveLength(11);
    expect(all.match(/• \*AI-1\* /g)!.length).toBe(11);
    expect(all).not.toContain(`AI-${DIGEST_LIST_LINES + 1}*`);
    expect(msg.blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(JSON.stringify(msg.blocks)).toContain('The full inventory is attached as CSV.');
    expect(all).toContain('…and 15 more');
  });

  it('escapes every name, owner, department and the organization', () => {
    const msg = renderDigest(digest(3));
    const all = [msg.text, ...texts(msg.blocks)].join('\n');
    expect(all).not.toMatch(/<!channel>|<@U0FAKE>|<Holdings>|Dept <|privacy <team>/);
    expect(all).toContain('&lt;!channel&gt; Tool 1');
    expect(all).toContain('Acme &lt;Holdings&gt; &amp; Co · 2026-10-05 – 2026-10-11');
    expect(all).toContain('privacy &lt;team&gt;');
  });

  it('gives a quiet week a short form', () => {
    const msg = renderDigest(digest(0, true));
    expect(msg.text).toContain('a quiet week');
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'context', 'section', 'section', 'context']);
    expect(texts(msg.blocks).join('\n')).toContain('*Inventory: 0 systems in use or planned*');
  });
});
