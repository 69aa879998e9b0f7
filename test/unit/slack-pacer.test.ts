/** Pacing of the outbox's Slack calls: per-channel posts, tiers, 429 pauses, waits too long to sit out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacedClient, createPacer, rateOf } from '../../adapters/slack/pacer';
import { startFakeSlackApi } from '../helpers/fake-slack-api';
import type { FakeSlackApi } from '../helpers/fake-slack-api';

describe('Slack pacer', () => {
  it('lets a burst of posts into one channel go, then one a second; other channels are not held up', () => {
    let t = 1_000_000;
    const p = createPacer(() => t);
    const waits = Array.from({ length: 8 }, () => p.reserve('chat.postMessage', 'C1'));
    expect(waits.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(waits.slice(6)).toEqual([1000, 2000]);
    expect(p.reserve('chat.postMessage', 'C2')).toBe(0);
    t += 10_000;
    expect(p.reserve('chat.postMessage', 'C1')).toBe(0);
  });

  it('paces other methods by tier across channels', () => {
    const t = 0;
    const p = createPacer(() => t);
    expect(rateOf('chat.update')).toEqual({ perSecond: 50 / 60, burst: 5 });
    const waits = Array.from({ length: 7 }, (_, i) => p.reserve('chat.update', `C${i}`));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBeCloseTo(1200, 0);
    expect(waits[6]).toBeCloseTo(2400, 0);
  });

  it('holds a key for the Retry-After of a 429, and refuses to reserve a wait beyond the limit', () => {
    let t = 0;
    const p = createPacer(() => t);
    p.pause('chat.postMessage', 'C1', 3000);
    expect(p.reserve('chat.postMessage', 'C2')).toBe(0);
    expect(p.reserve('chat.postMessage', 'C1', 1000)).toBe(3000);
    expect(p.reserve('chat.postMessage', 'C1')).toBe(3000);
    t = 3000;
    expect(p.reserve('chat.postMessage', 'C1')).toBe(0);
  });
});

describe('paced client against the fake Slack', () => {
  let fake: FakeSlackApi;
  beforeAll(async () => {
    fake = await startFakeSlackApi({ users: [] });
  });
  afterAll(async () => fake.close());

  it('waits out a 429 before the next call to that channel, and fails as rate limited when the wait is too long', async () => {
    const options = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
    const client = createPacedClient('xoxb-test', options, { maxWaitMs: 1500 });
    fake.rateLimitOnce('chat.postMessage', 1);
    await expect(client.chat.postMessage({ channel: 'C9', text: 'a' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    const started = Date.now();
    await client.chat.postMessage({ channel: 'C9', text: 'b' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.messages('C9').map((m) => m.text)).toEqual(['b']);

    const strict = createPacedClient('xoxb-test', options, { maxWaitMs: 0 });
    fake.rateLimitOnce('chat.postMessage', 30);
    await expect(strict.chat.postMessage({ channel: 'C8', text: 'c' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    await expect(strict.chat.postMessage({ channel: 'C8', text: 'd' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 });
    // The paced refusal never reached Slack.
    expect(fake.messages('C8')).toHaveLength(0);
    expect(fake.limitedCalls).toHaveLength(2);
  });
});
