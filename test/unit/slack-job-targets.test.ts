/** Where the jobs' channel notifications go in Slack, per the policy. */
import { describe, expect, it } from 'vitest';
import { policyChannel } from '../../adapters/slack/job-targets';
import type { FlowDeps } from '../../flows';
import { parsePolicy } from '../../flows';

const deps = (channels: Record<string, unknown>) => ({ policy: parsePolicy({ channels }) }) as unknown as FlowDeps;

describe('Slack channel recipients', () => {
  it('uses the digest channel, else the approvals channel, else fails permanently naming the setting', () => {
    expect(policyChannel(deps({ digest: { slack: 'C0D' }, approvals: { slack: 'C0A' } }), 'digest')).toEqual({ channel: 'C0D' });
    expect(policyChannel(deps({ approvals: { slack: 'C0A' } }), 'digest')).toEqual({ channel: 'C0A' });
    expect(policyChannel(deps({ digest: { teams: '19:x' } }), 'digest')).toEqual({
      failure: { ok: false, permanent: true, error: 'no digest channel configured for slack: set channels.digest.slack' },
    });
    expect(policyChannel(deps({ digest: { slack: 'C0D' } }), 'approvals')).toEqual({
      failure: { ok: false, permanent: true, error: 'no approvals channel configured for slack: set channels.approvals.slack' },
    });
  });
});
