/** Where the jobs' channel notifications go in Slack, per the policy. */
import { describe, expect, it } from 'vitest';
import { policyChannel } from '../../adapters/slack/job-targets';
import type { FlowDeps } from '../../flows';
import { parsePolicy } from '../../flows';

const deps = (channels: Record<string, unknown>) => ({ policy: parsePolicy({ channels }) }) as unknown as FlowDeps;

describe('Slack channel recipients', () => {
  it('uses the digest channel, else the approvals channel, else fails permanently naming the setting', async () => {
    expect(await policyChannel(deps({ digest: { slack: 'C0D' }, approvals: { slack: 'C0A' } }), 'digest', 1)).toEqual({ channel: 'C0D' });
    expect(await policyChannel(deps({ approvals: { slack: 'C0A' } }), 'digest', 1)).toEqual({ channel: 'C0A' });
    expect(await policyChannel(deps({ digest: { teams: '19:x' } }), 'digest', 1)).toEqual({
      failure: { ok: false, permanent: true, error: 'no digest channel configured for slack: set channels.digest.slack' },
    });
    expect(await policyChannel(deps({ digest: { slack: 'C0D' } }), 'approvals', 1)).toEqual({
      failure: { ok: false, permanent: true, error: 'no approvals channel configured for slack: set channels.approvals.slack' },
    });
  });
});
