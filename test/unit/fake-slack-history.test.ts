/** The fake Web API reads messages back as Slack documents it, through the real Web API client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import type { FakeSlackApi } from '../helpers/fake-slack-api';
import { startFakeSlackApi } from '../helpers/fake-slack-api';

describe('fake Slack: conversations.history and conversations.replies', () => {
  let fake: FakeSlackApi;
  let client: webApi.WebClient;
  const meta = (key: string) => ({ event_type: 'aimsbot_outbox', event_payload: { dedupe_key: key } });
  let parent = '';
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    parent = (await client.chat.postMessage({ channel: 'C1', text: 'first', metadata: meta('a') })).ts!;
    await client.chat.postMessage({ channel: 'C1', text: 'reply 1', thread_ts: parent, metadata: meta('b') });
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    await client.chat.postMessage({ channel: 'C1', text: 'reply 2', thread_ts: parent });
    await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
  });
  afterAll(async () => fake?.close());

  it('lists top-level messages newest first, with metadata only when asked for', async () => {
    const plain = await client.conversations.history({ channel: 'C1' });
    expect(plain.messages?.map((m) => m.text)).toEqual(['second', 'first']);
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);
    const withMeta = await client.conversations.history({ channel: 'C1', include_all_metadata: true });
    expect(withMeta.messages?.[1]?.metadata).toEqual(meta('a'));
    expect(withMeta.messages?.[1]?.thread_ts).toBe(parent);
  });

  it('pages with limit and cursor, and bounds by oldest and latest', async () => {
    const first = await client.conversations.history({ channel: 'C1', limit: 1 });
    expect(first.messages?.map((m) => m.text)).toEqual(['second']);
    expect(first.has_more).toBe(true);
    const next = await client.conversations.history({ channel: 'C1', limit: 1, cursor: first.response_metadata!.next_cursor! });
    expect(next.messages?.map((m) => m.text)).toEqual(['first']);
    expect(next.has_more).toBe(false);
    expect((await client.conversations.history({ channel: 'C1', oldest: parent })).messages?.map((m) => m.text)).toEqual(['second']);
    expect((await client.conversations.history({ channel: 'C1', oldest: parent, inclusive: true })).messages).toHaveLength(2);
    expect((await client.conversations.history({ channel: 'C1', latest: parent })).messages).toHaveLength(0);
  });

  it('returns a thread as its parent and then the replies, oldest first', async () => {
    const thread = await client.conversations.replies({ channel: 'C1', ts: parent, include_all_metadata: true });
    expect(thread.messages?.map((m) => m.text)).toEqual(['first', 'reply 1', 'reply 2']);
    expect(thread.messages?.[1]?.metadata).toEqual(meta('b'));
    const plain = await client.conversations.replies({ channel: 'C1', ts: parent });
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);
    await expect(client.conversations.replies({ channel: 'C2', ts: parent })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });
});
