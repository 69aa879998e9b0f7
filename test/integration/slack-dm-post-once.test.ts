/**
 * Direct messages go to the user id; a row re-claimed after such a post was left unrecorded must
 * look for its earlier copy in the DM channel (not under the user id) and adopt it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { createDirectory } from '../../adapters/slack/directory';
import { outboxMetadata, postOnce } from '../../adapters/slack/post-once';
import type { OutboxRow } from '../../flows';
import { startFakeSlackApi } from '../helpers/fake-slack-api';
import type { FakeSlackApi } from '../helpers/fake-slack-api';

describe('posting a DM once', () => {
  let fake: FakeSlackApi;
  beforeAll(async () => {
    fake = await startFakeSlackApi({ users: [{ id: 'U0BOB', name: 'Bob' }] });
  });
  afterAll(async () => fake.close());

  const row = (reclaimed: boolean): OutboxRow =>
    ({
      id: 7,
      workspaceId: 1,
      dedupeKey: 'approval.outcome:42',
      kind: 'approval.outcome',
      recipient: { person: 1 },
      payload: { requestId: 42 },
      status: 'sending',
      attempts: 0,
      lastError: null,
      notBefore: new Date(),
      lockedUntil: null,
      sentAt: null,
      reclaimed,
      createdAt: new Date(Date.now() - 60_000),
    }) as OutboxRow;

  it('posts to the user id without conversations.open, and a re-claimed row adopts that copy from the DM channel', async () => {
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const msg = { text: 'approved', blocks: [] };

    // The first attempt posts (its recording is lost with the process).
    const first = await postOnce({ client, directory: createDirectory(client) }, row(false))({ channel: 'U0BOB' }, msg);
    expect(first).toMatchObject({ channel: 'DU0BOB', adopted: false });
    expect(fake.callsOf('conversations.open')).toHaveLength(0);
    expect(fake.callsOf('chat.postMessage')[0]?.params.metadata).toEqual(outboxMetadata(row(false)));

    // Another process (a fresh directory) takes the row over as re-claimed.
    const again = await postOnce({ client, directory: createDirectory(client) }, row(true))({ channel: 'U0BOB' }, { text: 'approved (now)', blocks: [] });
    expect(again).toMatchObject({ channel: 'DU0BOB', ts: first.ts, adopted: true });
    expect(fake.messages('DU0BOB')).toHaveLength(1);
    expect(fake.messages('DU0BOB')[0]?.text).toBe('approved (now)');
  });
});
