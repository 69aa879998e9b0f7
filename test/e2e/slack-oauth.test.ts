/**
 * Many workspaces in one deployment: the Slack OAuth install through Bolt's routes against the
 * fake Slack API (`oauth.v2.access`, per-token identity), installations sealed in Postgres, each
 * workspace's requests and deliveries on its own token, two Slack workspaces and a Teams tenant
 * that never see each other's records, uninstall and token revocation, and Enterprise Grid.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents, aiSystems, notifications, slackInstallations, workspaces } from '../../db/schema';
import * as flows from '../../flows';
import { createSlackDelivery } from '../../adapters/slack/create-slack-adapter';
import { createInstallationStore } from '../../adapters/slack/installation-store';
import { parseEncryptionKey } from '../../adapters/slack/seal';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { FakeGrant } from '../helpers/fake-slack-api';
import { eventCallback, slashCommand } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';
import type { TeamsBench } from '../helpers/teams-harness';
import { createDispatcher } from '../../src/dispatcher';
import { cardText, people, startTeamsBench, TENANT } from '../helpers/teams-harness';

const KEY = parseEncryptionKey('8f4c1a7e2b9d3c6f0a5e8b1d4c7f2a9e6b3d0c5f8a1e4b7d2c9f6a3e0b5d8c1f')!;
const OAUTH = { clientId: '1111.2222', clientSecret: 'client-secret-0123456789', stateSecret: 'state-secret-0123456789', encryptionKey: KEY };

const ONE: FakeGrant = { code: 'code-one', botToken: 'xoxb-one-000111', team: { id: 'T0ONE', name: 'One' }, botUserId: 'U0BOTONE' };
const TWO: FakeGrant = { code: 'code-two', botToken: 'xoxb-two-000222', team: { id: 'T0TWO', name: 'Two' }, botUserId: 'U0BOTTWO', userId: 'U0ALICE', userToken: 'xoxp-two-user-999' };
const ORG: FakeGrant = { code: 'code-org', botToken: 'xoxb-org-000333', enterprise: { id: 'E0ORG', name: 'Org' }, isEnterpriseInstall: true, botUserId: 'U0BOTORG' };

/** Installs the app as a browser does: the install page sets the state cookie, Slack redirects back with a code. */
async function install(s: SlackTestServer, grant: FakeGrant): Promise<Response> {
  s.fake.grant(grant);
  const page = await fetch(`${s.url}/slack/install`);
  expect(page.status).toBe(200);
  const cookie = page.headers.get('set-cookie') ?? '';
  const state = /slack-app-oauth-state=([^;]+)/.exec(cookie)?.[1];
  expect(state, 'the install page sets the state cookie').toBeTruthy();
  expect(await page.text()).toContain(`state=${state}`);
  return fetch(`${s.url}/slack/oauth_redirect?code=${grant.code}&state=${state}`, { headers: { cookie: `slack-app-oauth-state=${state}` } });
}

/** `/aims <text>` from a user of a team (optionally of an org-wide install); returns what the response URL got. */
async function ask(s: SlackTestServer, team: string, user: string, text: string, enterprise?: string): Promise<string> {
  const req = slashCommand({ text, user, team, responseUrl: `${s.fake.responseBase}/cmd` });
  if (enterprise) {
    const form = new URLSearchParams(req.body);
    form.set('enterprise_id', enterprise);
    form.set('is_enterprise_install', 'true');
    req.body = form.toString();
  }
  const before = s.fake.callsOf('response_url').length;
  const res = await s.send(req);
  expect(res.status).toBe(200);
  await s.settle();
  return s.fake
    .callsOf('response_url')
    .slice(before)
    .map((c) => JSON.stringify(c.params))
    .join('\n');
}

/** Registers a tool in a Slack team through the flows, and delivers its approval thread. */
async function registerIn(s: SlackTestServer, team: string, name: string, submitter: string) {
  const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: team }, { platformId: `slack:${submitter}` });
  const r = await flows.register(ctx, { fields: fieldsFor(name, `slack:${USERS.bob.id}`), answers: minimalAnswers });
  if (r.kind !== 'registered') throw new Error(`registration failed: ${JSON.stringify(r)}`);
  return { ctx, ref: r.system.ref, requestId: r.request.id };
}

const tokenOf = (auth: string | undefined) => (auth ?? '').replace(/^Bearer /, '');

describe('Slack OAuth install, many workspaces', () => {
  let s: SlackTestServer;
  let teams: TeamsBench;

  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres', slack: { oauth: OAUTH } });
    teams = await startTeamsBench('postgres', undefined, { shareDatabase: s.database });
  });
  afterAll(async () => {
    await teams?.close();
    await s?.close();
  });

  it('stores each installation sealed: the row holds no token in clear, and Slack got the code with the client credentials', async () => {
    const res = await install(s, ONE);
    expect(res.status).toBe(200);
    expect((await install(s, TWO)).status).toBe(200);
    const exchange = s.fake.callsOf('oauth.v2.access');
    expect(exchange.map((c) => c.params.code)).toEqual(['code-one', 'code-two']);
    expect(exchange[0]!.params.client_id).toBe(OAUTH.clientId);

    const rows = await s.deps.db.select().from(slackInstallations).orderBy(slackInstallations.id);
    expect(rows.map((r) => [r.installKey, r.teamId, r.botUserId, r.revokedAt])).toEqual([
      ['team:T0ONE', 'T0ONE', 'U0BOTONE', null],
      ['team:T0TWO', 'T0TWO', 'U0BOTTWO', null],
    ]);
    const dump = JSON.stringify(await s.deps.db.execute(sql`select * from slack_installations`));
    for (const secret of [ONE.botToken, TWO.botToken, TWO.userToken!, 'xoxb-', 'xoxp-']) expect(dump).not.toContain(secret);
    expect(rows[0]!.sealed).toMatch(/^v1\./);
  });

  it('refuses a redirect whose state is not this browser’s, and stores nothing', async () => {
    s.fake.grant({ ...ONE, code: 'code-forged', team: { id: 'T0EVIL', name: 'Evil' }, botToken: 'xoxb-evil' });
    const res = await fetch(`${s.url}/slack/oauth_redirect?code=code-forged&state=made-up`, { headers: { cookie: 'slack-app-oauth-state=other' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^The Slack install did not complete: the link was not started in this browser/);
    // A code Slack does not know (made up, or used already) is refused as such, and stores nothing either.
    const page = await fetch(`${s.url}/slack/install`);
    const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    const reused = await fetch(`${s.url}/slack/oauth_redirect?code=code-one&state=${state}`, { headers: { cookie: `slack-app-oauth-state=${state}` } });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('Slack refused the authorisation code (invalid_code)');
    const evil = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, 'T0EVIL'));
    expect(evil).toEqual([]);
  });

  it('keeps two Slack workspaces and a Teams tenant apart: list, check, show and pending see only their own', async () => {
    const one = await registerIn(s, 'T0ONE', 'Shared Ledger One', USERS.alice.id);
    const two = await registerIn(s, 'T0TWO', 'Quiet Helper Two', USERS.alice.id);
    const tctx = await flows.flowContext(s.deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.alice.aad}` });
    const t = await flows.register(tctx, { fields: fieldsFor('Teams Only Tool', `teams:${people.bob.aad}`), answers: minimalAnswers });
    if (t.kind !== 'registered') throw new Error('teams registration failed');
    // Each tenant numbers its own tools.
    expect([one.ref, two.ref, t.system.ref]).toEqual(['AI-1', 'AI-1', 'AI-1']);

    const showOne = await ask(s, 'T0ONE', USERS.alice.id, 'show AI-1');
    expect(showOne).toContain('Shared Ledger One');
    expect(showOne).not.toMatch(/Quiet Helper Two|Teams Only Tool/);
    const showTwo = await ask(s, 'T0TWO', USERS.alice.id, 'show AI-1');
    expect(showTwo).toContain('Quiet Helper Two');
    expect(showTwo).not.toMatch(/Shared Ledger One|Teams Only Tool/);

    const listTwo = await ask(s, 'T0TWO', USERS.alice.id, 'list');
    expect(listTwo).toContain('Quiet Helper Two');
    expect(listTwo).not.toContain('Shared Ledger One');
    const checkTwo = await ask(s, 'T0TWO', USERS.alice.id, 'check Shared Ledger One');
    expect(checkTwo).not.toBe('');
    expect(checkTwo).not.toContain('AI-1');
    const pendingOne = await ask(s, 'T0ONE', USERS.bob.id, 'pending');
    expect(pendingOne).toContain('Shared Ledger One');
    expect(pendingOne).not.toContain('Quiet Helper Two');

    const teamsShow = cardText(await teams.say(people.alice, 'show AI-1'));
    expect(teamsShow).toContain('Teams Only Tool');
    expect(teamsShow).not.toMatch(/Shared Ledger One|Quiet Helper Two/);
    const teamsCheck = cardText(await teams.say(people.alice, 'check Quiet Helper Two'));
    expect(teamsCheck).not.toBe('');
    expect(teamsCheck).not.toContain('AI-1');
  });

  it('answers each workspace with its own token and posts each workspace’s approval thread with its own token', async () => {
    s.fake.reset();
    await ask(s, 'T0TWO', USERS.alice.id, 'register');
    const opened = s.fake.callsOf('views.open');
    expect(opened.map((c) => tokenOf(c.auth))).toEqual([TWO.botToken]);

    s.fake.reset();
    await registerIn(s, 'T0ONE', 'Second Of One', USERS.alice.id);
    await registerIn(s, 'T0TWO', 'Second Of Two', USERS.alice.id);
    await s.settle();
    const byToken = new Map<string, string[]>();
    for (const c of s.fake.callsOf('chat.postMessage')) {
      const list = byToken.get(tokenOf(c.auth)) ?? [];
      list.push(String(c.params.text));
      byToken.set(tokenOf(c.auth), list);
    }
    expect([...byToken.keys()].sort()).toEqual([ONE.botToken, TWO.botToken].sort());
    expect(byToken.get(ONE.botToken)!.join(' ')).toContain('Second Of One');
    expect(byToken.get(ONE.botToken)!.join(' ')).not.toContain('Second Of Two');
    expect(byToken.get(TWO.botToken)!.join(' ')).toContain('Second Of Two');
    expect(byToken.get(TWO.botToken)!.join(' ')).not.toContain('Second Of One');
  });

  it('a worker (no Slack requests, only the outbox) delivers each workspace with its own token too', async () => {
    await registerIn(s, 'T0ONE', 'Worker Sent One', USERS.alice.id);
    await registerIn(s, 'T0TWO', 'Worker Sent Two', USERS.alice.id);
    s.fake.reset();
    const logger = pino({ level: 'silent' });
    const worker = createDispatcher(s.deps, logger);
    worker.register('slack', createSlackDelivery({ deps: s.deps, logger, config: { botToken: '', signingSecret: '', appToken: undefined, apiUrl: s.fake.apiUrl, oauth: OAUTH } }));
    await worker.drain();
    await worker.stop();
    const posts = s.fake.callsOf('chat.postMessage');
    const one = posts.filter((c) => String(c.params.text).includes('Worker Sent One'));
    const two = posts.filter((c) => String(c.params.text).includes('Worker Sent Two'));
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(one.every((c) => tokenOf(c.auth) === ONE.botToken)).toBe(true);
    expect(two.every((c) => tokenOf(c.auth) === TWO.botToken)).toBe(true);
  });

  it('refreshes a rotating token before it expires, stores the new one sealed, and delivers with it', async () => {
    const ROT: FakeGrant = { code: 'code-rot', botToken: 'xoxb-rot-000444', team: { id: 'T0ROT', name: 'Rot' }, botUserId: 'U0BOTROT', refreshToken: 'xoxe-rot-555', expiresIn: 600 };
    expect((await install(s, ROT)).status).toBe(200);
    await registerIn(s, 'T0ROT', 'Rotated Tool', USERS.alice.id);
    s.fake.reset();
    await s.settle();
    const refresh = s.fake.callsOf('oauth.v2.access');
    expect(refresh.map((c) => c.params.grant_type)).toEqual(['refresh_token']);
    const posts = s.fake.callsOf('chat.postMessage');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((c) => tokenOf(c.auth) === 'xoxb-rot-000444-r')).toBe(true);
    const [row] = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T0ROT'));
    expect(row!.sealed).not.toMatch(/xoxb-rot|xoxe-rot/);
    const store = createInstallationStore({ db: s.deps.db, clock: s.deps.clock, key: KEY });
    const kept = await store.fetchInstallation({ teamId: 'T0ROT', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(kept.bot).toMatchObject({ token: 'xoxb-rot-000444-r', refreshToken: 'xoxe-rot-555-r' });
  });

  it('app_uninstalled stops delivery for that workspace only, fails its pending notifications with the reason, and keeps its records', async () => {
    const [ws] = await s.deps.db.select().from(workspaces).where(eq(workspaces.externalId, 'T0ONE'));
    const systemsBefore = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.workspaceId, ws!.id));
    const auditBefore = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ws!.id)).orderBy(auditEvents.seq);
    // A registration whose thread is not delivered yet (the dispatcher is not kicked).
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0ONE' }, { platformId: `slack:${USERS.alice.id}` });
    const pendingReg = await flows.register(ctx, { fields: fieldsFor('Waiting In One', `slack:${USERS.bob.id}`), answers: minimalAnswers });
    expect(pendingReg.kind).toBe('registered');
    const ctxTwo = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TWO' }, { platformId: `slack:${USERS.alice.id}` });
    await flows.register(ctxTwo, { fields: fieldsFor('Waiting In Two', `slack:${USERS.bob.id}`), answers: minimalAnswers });

    const res = await s.send(eventCallback({ event: { type: 'app_uninstalled', event_ts: '1700000000.000100' }, eventId: 'Ev0UNINSTALL1', team: 'T0ONE' }));
    expect(res.status).toBe(200);
    await s.adapter.idle();

    const [row] = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T0ONE'));
    expect(row!.revokedAt).not.toBeNull();
    expect(row!.revokedBy).toBe('app_uninstalled');
    expect(row!.sealed).toBeNull();

    const failed = await s.deps.db.select().from(notifications).where(eq(notifications.workspaceId, ws!.id));
    const notSent = failed.filter((n) => n.status !== 'sent');
    expect(notSent.length).toBeGreaterThan(0);
    for (const n of notSent) {
      expect(n.status).toBe('failed');
      expect(n.lastError).toContain('the app was uninstalled in workspace T0ONE');
    }

    s.fake.reset();
    await s.settle();
    // Workspace two is still served, with its own token; nothing went out with workspace one's.
    const posted = s.fake.callsOf('chat.postMessage');
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.every((c) => tokenOf(c.auth) === TWO.botToken)).toBe(true);
    expect(posted.some((c) => String(c.params.text).includes('Waiting In Two'))).toBe(true);

    // A notification written after the uninstall fails too, with the same reason, and posts nothing.
    await flows.register(ctx, { fields: fieldsFor('After Uninstall', `slack:${USERS.bob.id}`), answers: minimalAnswers });
    s.fake.reset();
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage')).toEqual([]);
    const late = await s.deps.db.select().from(notifications).where(eq(notifications.workspaceId, ws!.id));
    const lateFailed = late.filter((n) => n.status === 'failed');
    expect(lateFailed.length).toBeGreaterThan(notSent.length);
    expect(lateFailed.every((n) => n.lastError?.includes('uninstalled'))).toBe(true);

    // Its evidence is all there: systems (and more), audit events untouched.
    const systemsAfter = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.workspaceId, ws!.id));
    expect(systemsAfter.length).toBe(systemsBefore.length + 2);
    const auditAfter = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ws!.id)).orderBy(auditEvents.seq);
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    // …and the stop itself is in the trail, with its reason.
    const stopped = auditAfter.filter((e) => e.action === 'slack.delivery_stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.data).toMatchObject({ reason: 'app_uninstalled', install: 'team:T0ONE' });
    expect((stopped[0]!.data as { failedNotifications: number }).failedNotifications).toBe(notSent.length);
    // Requests from the uninstalled workspace are no longer authorised: nothing runs for them.
    expect(await ask(s, 'T0ONE', USERS.alice.id, 'list')).toBe('');

    // Installing again brings delivery back.
    expect((await install(s, { ...ONE, code: 'code-one-again' })).status).toBe(200);
    expect(await ask(s, 'T0ONE', USERS.alice.id, 'list')).toContain('Shared Ledger One');
  });

  it('tokens_revoked for the bot token stops delivery like an uninstall; for a user token only, delivery goes on', async () => {
    await s.send(eventCallback({ event: { type: 'tokens_revoked', tokens: { oauth: ['U0ALICE'] } }, eventId: 'Ev0REVOKEUSER', team: 'T0TWO' }));
    await s.adapter.idle();
    const [two] = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T0TWO'));
    expect(two!.revokedAt).toBeNull();
    const store = createInstallationStore({ db: s.deps.db, clock: s.deps.clock, key: KEY });
    const kept = await store.fetchInstallation({ teamId: 'T0TWO', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(kept.bot?.token).toBe(TWO.botToken);
    expect(kept.user.id).toBe('U0ALICE');
    expect(kept.user.token).toBeUndefined();

    await s.send(eventCallback({ event: { type: 'tokens_revoked', tokens: { bot: ['U0BOTTWO'] } }, eventId: 'Ev0REVOKEBOT', team: 'T0TWO' }));
    await s.adapter.idle();
    const [after] = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T0TWO'));
    expect(after!.revokedBy).toBe('tokens_revoked');
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TWO' }, { platformId: `slack:${USERS.alice.id}` });
    await flows.register(ctx, { fields: fieldsFor('After Revoke', `slack:${USERS.bob.id}`), answers: minimalAnswers });
    s.fake.reset();
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage').filter((c) => tokenOf(c.auth) === TWO.botToken)).toEqual([]);
    const rows = await s.deps.db.select().from(notifications).where(eq(notifications.workspaceId, ctx.workspace.id));
    expect(rows.filter((n) => n.status === 'failed').some((n) => n.lastError?.includes("bot token was revoked in workspace T0TWO"))).toBe(true);
  });

  it('an org-wide Enterprise Grid install serves each team of the org as its own workspace, with the org token', async () => {
    expect((await install(s, ORG)).status).toBe(200);
    const [row] = await s.deps.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'enterprise:E0ORG'));
    expect(row).toMatchObject({ isEnterpriseInstall: true, enterpriseId: 'E0ORG', teamId: null });

    s.fake.reset();
    await ask(s, 'T0ORGA', USERS.alice.id, 'register', 'E0ORG');
    expect(s.fake.callsOf('views.open').map((c) => tokenOf(c.auth))).toEqual([ORG.botToken]);
    await ask(s, 'T0ORGB', USERS.alice.id, 'list', 'E0ORG');

    const a = await registerIn(s, 'T0ORGA', 'Org Team A Tool', USERS.alice.id);
    s.fake.reset();
    await s.settle();
    const posts = s.fake.callsOf('chat.postMessage');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((c) => tokenOf(c.auth) === ORG.botToken)).toBe(true);
    expect(a.ref).toBe('AI-1');
    expect(await ask(s, 'T0ORGB', USERS.alice.id, 'show AI-1', 'E0ORG')).not.toContain('Org Team A Tool');
    expect(await ask(s, 'T0ORGA', USERS.alice.id, 'show AI-1', 'E0ORG')).toContain('Org Team A Tool');
    const ids = await s.deps.db.select({ externalId: workspaces.externalId }).from(workspaces).where(eq(workspaces.platform, 'slack'));
    expect(ids.map((w) => w.externalId)).toEqual(expect.arrayContaining(['T0ORGA', 'T0ORGB']));
    expect(ids.map((w) => w.externalId)).not.toContain('E0ORG');

    // Uninstalling the org stops both of its teams.
    const body = JSON.parse(eventCallback({ event: { type: 'app_uninstalled' }, eventId: 'Ev0ORGGONE', team: 'T0ORGA' }).body) as Record<string, unknown>;
    body.enterprise_id = 'E0ORG';
    body.authorizations = [{ enterprise_id: 'E0ORG', team_id: null, user_id: 'U0BOTORG', is_bot: true, is_enterprise_install: true }];
    await s.send({ body: JSON.stringify(body), contentType: 'application/json' });
    await s.adapter.idle();
    await registerIn(s, 'T0ORGB', 'Org Team B Late', USERS.alice.id);
    s.fake.reset();
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage')).toEqual([]);
    const [wsB] = await s.deps.db.select().from(workspaces).where(eq(workspaces.externalId, 'T0ORGB'));
    const rows = await s.deps.db.select().from(notifications).where(eq(notifications.workspaceId, wsB!.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((n) => n.status === 'failed' && n.lastError?.includes('uninstalled'))).toBe(true);
  });
});
