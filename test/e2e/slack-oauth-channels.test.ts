/**
 * One deployment, several Slack workspaces: the policy names the approvals and digest channels per
 * Slack team, so each workspace's approval threads and digests go to its own channel with its own
 * token; a workspace the policy does not list falls back to a DM with the owner for approvals
 * and fails its channel notifications with a message naming the setting, instead of posting into
 * another workspace's channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { workspaces } from '../../db/schema';
import { policyChannel } from '../../adapters/slack/job-targets';
import * as flows from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { FakeGrant } from '../helpers/fake-slack-api';
import { parseEncryptionKey } from '../../adapters/slack/seal';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const KEY = parseEncryptionKey('3c6f0a5e8b1d4c7f2a9e6b3d0c5f8a1e4b7d2c9f6a3e0b5d8c1f8f4c1a7e2b9d')!;
const OAUTH = { clientId: '1111.3333', clientSecret: 'client-secret-9876543210', stateSecret: 'state-secret-9876543210', encryptionKey: KEY };
const ONE: FakeGrant = { code: 'c-one', botToken: 'xoxb-one-777', team: { id: 'T0ONE', name: 'One' }, botUserId: 'U0BOTONE' };
const TWO: FakeGrant = { code: 'c-two', botToken: 'xoxb-two-888', team: { id: 'T0TWO', name: 'Two' }, botUserId: 'U0BOTTWO' };
const THREE: FakeGrant = { code: 'c-three', botToken: 'xoxb-three-999', team: { id: 'T0THREE', name: 'Three' }, botUserId: 'U0BOTTHREE' };

async function install(s: SlackTestServer, grant: FakeGrant): Promise<void> {
  s.fake.grant(grant);
  const page = await fetch(`${s.url}/slack/install`);
  const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  const done = await fetch(`${s.url}/slack/oauth_redirect?code=${grant.code}&state=${state}`, { headers: { cookie: `slack-app-oauth-state=${state}` } });
  expect(done.status).toBe(200);
}

const tokenOf = (auth: string | undefined) => (auth ?? '').replace(/^Bearer /, '');

describe('Slack channels named per workspace', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({
      db: 'postgres',
      slack: { oauth: OAUTH },
      policy: { ...TEST_POLICY, channels: { approvals: { slack: { T0ONE: 'C0ONEAPPROVALS', T0TWO: 'C0TWOAPPROVALS' } }, digest: { slack: { T0ONE: 'C0ONEDIGEST' } } } },
    });
    for (const g of [ONE, TWO, THREE]) await install(s, g);
  });
  afterAll(async () => {
    await s?.close();
  });

  const registerIn = async (team: string, name: string) => {
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: team }, { platformId: `slack:${USERS.alice.id}` });
    const r = await flows.register(ctx, { fields: fieldsFor(name, `slack:${USERS.bob.id}`), answers: minimalAnswers });
    expect(r.kind).toBe('registered');
    return ctx;
  };

  it('posts each workspace’s approval thread in its own channel with its own token; an unlisted one in the owner’s DM', async () => {
    s.fake.reset();
    await registerIn('T0ONE', 'Tool Of One');
    await registerIn('T0TWO', 'Tool Of Two');
    await registerIn('T0THREE', 'Tool Of Three');
    await s.settle();
    const parents = s.fake.callsOf('chat.postMessage').filter((c) => !c.params.thread_ts);
    const where = (name: string) => parents.filter((c) => String(c.params.text).includes(name)).map((c) => [c.params.channel, tokenOf(c.auth)]);
    expect(where('Tool Of One')).toEqual([['C0ONEAPPROVALS', ONE.botToken]]);
    expect(where('Tool Of Two')).toEqual([['C0TWOAPPROVALS', TWO.botToken]]);
    // Workspace three has no approvals channel in the policy: the thread goes to the owner, never to another workspace's channel.
    const three = where('Tool Of Three');
    expect(three).toHaveLength(1);
    expect(String(three[0]![0])).not.toMatch(/APPROVALS/);
    expect(three[0]![1]).toBe(THREE.botToken);
  });

  it('the digest goes to the team’s digest channel, else its approvals channel, else fails naming the setting', async () => {
    const wsOf = async (team: string) => (await s.deps.db.select().from(workspaces).where(eq(workspaces.externalId, team)))[0]!.id;
    expect(await policyChannel(s.deps, 'digest', await wsOf('T0ONE'))).toEqual({ channel: 'C0ONEDIGEST' });
    expect(await policyChannel(s.deps, 'digest', await wsOf('T0TWO'))).toEqual({ channel: 'C0TWOAPPROVALS' });
    expect(await policyChannel(s.deps, 'digest', await wsOf('T0THREE'))).toEqual({
      failure: { ok: false, permanent: true, error: 'no digest channel for Slack team T0THREE: add it under channels.digest.slack' },
    });
  });

  it('refuses a per-team entry that is not a Slack team id, naming the key', () => {
    expect(() => flows.parsePolicy({ channels: { approvals: { slack: { 'my-team': 'C0X' } } } })).toThrow(/channels\.approvals\.slack: must be a channel id .* or a map from Slack team id to channel id/);
  });
});
