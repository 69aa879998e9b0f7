/** The fake Slack API's rate-limit tier emulation and its even 429 shedding (both off by default). */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlackApi } from '../helpers/fake-slack-api';
import { startFakeSlackApi } from '../helpers/fake-slack-api';

let fake: FakeSlackApi | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function call(f: FakeSlackApi, method: string, params: Record<string, string>, token = 'xoxb-a'): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${f.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
    body: new URLSearchParams(params).toString(),
  });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe('fake Slack rate-limit tiers', () => {
  it('answers every call when the emulation is off', async () => {
    fake = await startFakeSlackApi();
    for (let i = 0; i < 30; i++) expect((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'x' })).status).toBe(200);
    expect(fake.limitedCalls).toHaveLength(0);
  });

  it('lets one message a second per channel through after a short burst, and other channels on', async () => {
    let t = 1_000_000;
    fake = await startFakeSlackApi({ tiers: { now: () => t } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'x' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'x' })).retryAfter).toBe('1');
    expect((await call(fake, 'chat.postMessage', { channel: 'C2', text: 'x' })).status).toBe(200);
    t += 1000;
    expect((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'x' })).status).toBe(200);
    expect((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'x' })).status).toBe(429);
    expect(fake.tierLimited.get('chat.postMessage')).toBe(3);
  });

  it('paces Tier 3 at 50 a minute per workspace token, with Retry-After until the next call is allowed', async () => {
    let t = 0;
    fake = await startFakeSlackApi({ tiers: { now: () => t } });
    let ok = 0;
    for (let i = 0; i < 15; i++) if ((await call(fake, 'conversations.open', { users: `U${i}` })).status === 200) ok++;
    expect(ok).toBe(10); // the burst
    const limited = await call(fake, 'conversations.open', { users: 'U99' });
    expect(limited).toEqual({ status: 429, retryAfter: '2' }); // 60 s / 50 = 1.2 s
    // Another workspace (token) has its own budget; Tier 4 methods allow more.
    expect((await call(fake, 'conversations.open', { users: 'U1' }, 'xoxb-b')).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await call(fake, 'users.info', { user: 'U1' })).status).toBe(200);
    expect((await call(fake, 'users.info', { user: 'U1' })).status).toBe(429);
    t += 1200;
    expect((await call(fake, 'conversations.open', { users: 'U99' })).status).toBe(200);
  });

  it('sheds an even fraction of calls with 429 when asked', async () => {
    fake = await startFakeSlackApi({ shed: { fraction: 0.2, retryAfter: 1 } });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(fake, 'chat.postMessage', { channel: `C${i}`, text: 'x' })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(fake.limitedCalls).toHaveLength(2);
  });
});
