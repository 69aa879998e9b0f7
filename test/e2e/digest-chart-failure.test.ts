/** When the digest chart cannot be rendered, the weekly digest still goes out, with its CSV, without the chart. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as flows from '../../flows';
import type * as RenderModule from '../../flows/charts/render';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

vi.mock('../../flows/charts/render', async (original) => ({
  ...(await original<typeof RenderModule>()),
  renderChart: vi.fn(async () => {
    throw new Error('no fonts');
  }),
}));

const COMPLIANCE = 'C0COMPLIANCE';

describe('digest without its chart', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, organization: { name: 'Acme', timezone: 'UTC' }, channels: { ...TEST_POLICY.channels, digest: { slack: COMPLIANCE } } } });
    s.clock.set('2026-11-20T09:00:00Z');
    await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    s.clock.set('2026-12-07T09:00:00Z');
  });
  afterAll(async () => s?.close());

  it('posts the digest and the CSV, and no chart', async () => {
    s.fake.reset();
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === COMPLIANCE)).toHaveLength(1);
    const shared = s.fake.files.filter((f) => f.shared).map((f) => f.filename);
    expect(shared).toEqual(['ai-inventory-2026-12-07.csv']);
  });
});
