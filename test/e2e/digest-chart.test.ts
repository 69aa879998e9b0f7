/**
 * The weekly digest's chart (inventory by class and status, and its trend): uploaded as a PNG into
 * the digest's thread on Slack, an Adaptive Card Image on Teams; both decoded. Run twice, the
 * digest and its chart go out once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, TENANT, cardOf, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const COMPLIANCE = 'C0COMPLIANCE';
const DIGEST = '19:compliance@thread.tacv2';

function decoded(png: Buffer): boolean {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><image width="8" height="8" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  return new Resvg(svg).render().width === 8 && flows.pngSize(png) !== null;
}

describe('digest chart in Slack', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, organization: { name: 'Acme', timezone: 'UTC' }, channels: { ...TEST_POLICY.channels, digest: { slack: COMPLIANCE } } } });
    s.clock.set('2026-11-20T09:00:00Z');
    await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    await seedRequest(s, USERS.alice.id, fieldsFor('Notes Helper', 'slack:U0BOB'), minimalAnswers);
    s.clock.set('2026-12-07T09:00:00Z');
  });
  afterAll(async () => s?.close());

  it('uploads the chart PNG into the digest thread once', async () => {
    s.fake.reset();
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    const charts = s.fake.files.filter((f) => f.shared && f.filename.startsWith('ai-inventory-chart-'));
    expect(charts).toHaveLength(1);
    expect(charts[0]!.filename).toBe('ai-inventory-chart-2026-12-07.png');
    expect(decoded(charts[0]!.bytes!)).toBe(true);
    const digest = s.fake.messages(COMPLIANCE).find((m) => JSON.stringify(m).includes('digest'));
    expect(charts[0]!.shared).toMatchObject({ channelId: COMPLIANCE, threadTs: digest!.ts });
    // The CSV still follows.
    expect(s.fake.files.filter((f) => f.shared && f.filename.endsWith('.csv'))).toHaveLength(1);
  });
});

describe('digest chart in Teams', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ organization: { name: 'Acme', timezone: 'UTC' }, channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } } }));
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    bench.clock.set('2026-11-20T09:00:00Z');
    await bench.installChannel();
    const ctx = await flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.alice.aad}`, displayName: 'Alice' });
    await flows.register(ctx, { fields: fieldsFor('CV Screen', `teams:${people.alice.aad}`), answers: highAnswers });
    await bench.drain();
    bench.clock.set('2026-12-07T09:00:00Z');
  });
  afterAll(async () => bench?.close());

  it('puts the chart on the digest card as an image', async () => {
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    const cards = bench.fake
      .sent(DIGEST)
      .map((c) => cardOf(c.body))
      .filter((card) => cardText(card).includes('Weekly AI compliance digest'));
    expect(cards).toHaveLength(1);
    const image = (cards[0]!.body as Array<Record<string, unknown>>).find((b) => b.type === 'Image');
    expect(String(image?.url)).toMatch(/^data:image\/png;base64,/);
    expect(decoded(Buffer.from(String(image!.url).split(',')[1]!, 'base64'))).toBe(true);
    expect(String(image!.altText)).toContain('AI inventory by risk class and status');
  });
});
