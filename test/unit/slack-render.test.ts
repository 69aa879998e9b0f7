/** Block Kit rendering stays within Slack's limits and escapes user text. */
import { describe, expect, it } from 'vitest';
import type { SystemView } from '../../flows';
import { questionnaire } from '../../flows/triage/questionnaire';
import { inputBlock } from '../../adapters/slack/form-blocks';
import { registrationView, triageView } from '../../adapters/slack/form-views';
import { clipMrkdwn, esc } from '../../adapters/slack/mrkdwn';
import { renderReviewCard } from '../../adapters/slack/render-review';
import { renderHome } from '../../adapters/slack/render-home';
import { renderHelp, renderList } from '../../adapters/slack/render-system';

const person = { id: 1, platformId: 'slack:U1', name: 'Ann', email: null };
function system(n: number, name: string): SystemView {
  return {
    id: n, ref: `AI-${n}`, name, vendor: 'V', url: null, purpose: 'p', owner: person, department: '', usageStatus: 'in_use',
    status: 'approved', riskClass: 'minimal', nextReviewAt: new Date('2027-01-01T00:00:00Z'), submittedBy: person, createdAt: new Date(), assessment: null,
  };
}

function texts(blocks: unknown[]): string[] {
  return (blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '');
}

describe('Slack rendering limits', () => {
  it('escapes & < > and never cuts an entity in half', () => {
    expect(esc('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
    const cut = clipMrkdwn(`${'a'.repeat(8)}&amp;`, 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
  });

  it('splits a long list over sections of at most 3,000 characters and 50 blocks', () => {
    const many = Array.from({ length: 1000 }, (_, i) => system(i + 1, `Tool ${'x'.repeat(200)} ${i}`));
    const m = renderList(many, 'UTC');
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(Math.max(...texts(m.blocks).map((t) => t.length))).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(m.blocks.at(-1))).toContain('more not shown');
  });

  it('cuts a huge name to fit a section with an ellipsis', () => {
    const card = renderReviewCard(system(1, '<b>'.repeat(2000)), 'UTC');
    const t = texts(card.blocks)[0]!;
    expect(t.length).toBeLessThanOrEqual(3000);
    expect(t.endsWith('…')).toBe(true);
    expect(t).not.toContain('<b>');
  });

  it('renders modals with titles of at most 24 characters and ids equal to the question ids', () => {
    const reg = registrationView('k'.repeat(22));
    expect(reg.title.text.length).toBeLessThanOrEqual(24);
    for (const page of [2, 3, 4, 5]) {
      const view = triageView('k'.repeat(22), { mode: 'register', answers: { ai_capabilities: ['predicts_or_scores'], annex_iii_uses: ['recruitment'], model_origin: 'vendor_as_is' } }, page);
      expect(view.title.text.length).toBeLessThanOrEqual(24);
    }
    for (const q of [...questionnaire.fields, ...questionnaire.questions]) {
      const b = inputBlock(q) as { block_id: string; element: { action_id: string; type: string; options?: unknown[] } };
      expect(b.block_id).toBe(q.id);
      expect(b.element.action_id).toBe(q.id);
      expect(b.element.options?.length ?? 0).toBeLessThanOrEqual(100);
      const expected = { text: ['plain_text_input'], url: ['plain_text_input'], person: ['users_select'], one: ['radio_buttons', 'static_select'], many: ['checkboxes', 'multi_static_select'], bool: ['radio_buttons'] }[q.kind];
      expect(expected).toContain(b.element.type);
    }
  });
});

describe('Slack mrkdwn of fixed texts', () => {
  it('escapes the angle brackets of placeholders in the help and the home tab', () => {
    // Slack reads any `<…>` in mrkdwn as a link or mention, even inside backticks.
    const help = renderHelp('frob<');
    const home = renderHome({ mine: [system(1, 'A <b>')], waiting: [], due: [system(1, 'A <b>')], dueWithinDays: 14 }, 'UTC');
    for (const text of [help.text, JSON.stringify(help.blocks), JSON.stringify(home.blocks)]) {
      expect(text.replace(/<@U1>/g, '')).not.toMatch(/[<>]/);
    }
    expect(help.text).toContain('/aims check &lt;name&gt;');
  });
});

describe('Slack words for people and roles', () => {
  it('names policy members who are not on Slack without their ids, and roles as people say them', async () => {
    const { createDirectory } = await import('../../adapters/slack/directory');
    const { renderApprovalReminder } = await import('../../adapters/slack/render-reminders');
    const directory = createDirectory({} as never);
    const mentions = await directory.mentions(['shell:carol', 'teams:0f1e2d3c-aaaa-bbbb-cccc-111122223333', 'slack:U1']);
    const p = { requestId: 1, stepId: 2, role: 'owner', ref: 'AI-1', name: 'Tool', ageHours: 50, reminderNumber: 1, approvers: ['shell:carol', 'teams:0f1e2d3c-aaaa-bbbb-cccc-111122223333', 'slack:U1'], thread: null, text: '' };
    const m = renderApprovalReminder(p, 'channel', mentions, null);
    const all = JSON.stringify(m);
    expect(all).toContain('carol, a member on Microsoft Teams, <@U1>');
    expect(all).not.toMatch(/shell:|teams:|0f1e2d3c/);
    expect(all).toContain('*business owner* approval');
    expect(m.text).toContain('business owner approval');
  });
});
