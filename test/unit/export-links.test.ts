/** Links from the inventory to the approval thread, built offline from the stored message copy. */
import { describe, expect, it } from 'vitest';
import { decisionThreadLink, slackPermalink, teamsMessageLink } from '../../flows/exports';
import type { StoredMessage } from '../../flows/messages';

const copy = (over: Partial<StoredMessage>): StoredMessage => ({
  id: 1,
  workspaceId: 1,
  subjectType: 'approval_request',
  subjectId: 1,
  platform: 'slack',
  role: 'parent',
  conversationId: 'C0APPROVALS',
  messageId: '1712345678.000200',
  threadId: null,
  stepId: null,
  createdAt: new Date(0),
  ...over,
});

describe('decision thread links', () => {
  it('Slack: the archives permalink with the ts without its dot', () => {
    expect(slackPermalink('C0APPROVALS', '1712345678.000200')).toBe('https://slack.com/archives/C0APPROVALS/p1712345678000200');
  });

  it('picks the parent message, not a step reply or the outcome', () => {
    const copies = [
      copy({ id: 3, role: 'step', messageId: '1712345679.000300', threadId: '1712345678.000200' }),
      copy({ id: 2, role: 'parent' }),
      copy({ id: 4, role: 'outcome', conversationId: 'D0ALICE', messageId: '1712345700.000100' }),
    ];
    expect(decisionThreadLink(copies)).toBe('https://slack.com/archives/C0APPROVALS/p1712345678000200');
    expect(decisionThreadLink([copy({ role: 'step' })])).toBeNull();
    expect(decisionThreadLink([])).toBeNull();
  });

  it('Teams: a deep link to a channel message with the tenant; none for a personal chat', () => {
    const link = teamsMessageLink('19:abc@thread.tacv2;messageid=1712345678901', '1712345678901', 'tenant-1');
    expect(link).toBe('https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/1712345678901?tenantId=tenant-1&parentMessageId=1712345678901');
    expect(decisionThreadLink([copy({ platform: 'teams', role: 'parent', conversationId: '19:abc@thread.tacv2', messageId: '42' })], 't')).toBe(
      'https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/42?tenantId=t&parentMessageId=42',
    );
    expect(decisionThreadLink([copy({ platform: 'teams', role: 'dm', conversationId: 'a:1xyz', messageId: '42' })])).toBeNull();
    expect(decisionThreadLink([copy({ platform: 'shell' })])).toBeNull();
  });
});
