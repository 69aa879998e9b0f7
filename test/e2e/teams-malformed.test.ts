/**
 * The Teams endpoint's answers to malformed activities and to tokens it cannot accept, over HTTP
 * with the real botbuilder: 400 for an activity with fields of the wrong type (a `serviceUrl` of
 * 42 used to be a 500), 401 for a missing or forged token, 503 when Bot Framework's signing keys
 * cannot be fetched (unreachable, failing, or too slow) — never the library's text, never a
 * write. A token signed with the published key is still accepted. The signing keys are served by
 * a local OpenID endpoint, so the test does not depend on the network.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../../adapters/teams';
import { createHttpApp } from '../../src/http-server';
import { testClock } from '../helpers/clock';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase } from '../helpers/db';
import type { TeamsBench } from '../helpers/teams-harness';
import { cardText, people, startTeamsBench, teamsPolicy, TENANT } from '../helpers/teams-harness';

/** Text only botbuilder, node-fetch or a stack trace would put in a response. */
const INTERNAL = /Unauthorized\.|Unauthorized Access|No valid identity|toLowerCase|request to |ECONNREFUSED|openid|FetchError|jwt|\bat \S+ \(|<html/i;
const TABLES = ['workspaces', 'people', 'conversation_refs', 'inbound_events', 'audit_events', 'notifications'];

async function rowCounts(db: TestDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = (await db.db.execute(sql.raw(`select count(*)::int as n from ${t}`))) as unknown as { rows: Array<{ n: number }> };
    out[t] = r.rows[0]!.n;
  }
  return out;
}

const u = people.mallory;
let seq = 0;
const activity = (serviceUrl: unknown, over: Record<string, unknown> = {}) => ({
  type: 'message',
  id: `malformed-${++seq}`,
  channelId: 'msteams',
  serviceUrl,
  text: 'help',
  from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
  recipient: { id: '28:aimsbot' },
  conversation: { id: `a:personal-${u.aad}`, conversationType: 'personal', tenantId: TENANT },
  channelData: { tenant: { id: TENANT } },
  ...over,
});

describe('Teams: malformed activities (authentication off)', () => {
  let bench: TeamsBench;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
  });
  afterAll(async () => bench?.close());

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a serviceUrl that is a number', { serviceUrl: 42 }, 'serviceUrl'],
    ['a serviceUrl that is an object', { serviceUrl: { href: 'https://x.example' } }, 'serviceUrl'],
    ['a serviceUrl that is not a web URL', { serviceUrl: 'javascript:alert(1)' }, 'serviceUrl'],
    ['a text that is a number', { text: 5 }, 'text'],
    ['a timestamp that is a number', { timestamp: 5 }, 'timestamp'],
    ['entities that are not a list', { entities: 'mention' }, 'entities'],
    ['a recipient without an id', { recipient: { name: 'aimsbot' } }, 'recipient.id'],
    ['no sender', { from: undefined }, 'from'],
    ['a conversation id that is a number', { conversation: { id: 5, conversationType: 'personal' } }, 'conversation.id'],
  ];
  it.each(cases)('%s: 400 naming the field, no library text, nothing written', async (_name, over, field) => {
    const before = await rowCounts(bench.db);
    const sentBefore = bench.fake.sent().length;
    const r = await bench.post(activity(bench.fake.url, over));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: `malformed activity: ${field} is missing or of the wrong type` });
    expect(JSON.stringify(r.body)).not.toMatch(INTERNAL);
    expect(await rowCounts(bench.db)).toEqual(before);
    expect(bench.fake.sent()).toHaveLength(sentBefore);
  });

  it('a well-formed activity is still answered', async () => {
    const r = await bench.post(activity(bench.fake.url, { from: { id: `29:${people.alice.aad}`, aadObjectId: people.alice.aad, name: 'Alice' } }));
    expect(r.status).toBe(200);
    const body = bench.fake.sent().at(-1)?.body as { attachments: Array<{ content: Record<string, unknown> }> };
    expect(cardText(body.attachments[0]!.content)).toContain('register');
  });
});

/** An OpenID endpoint publishing one RSA key, and ones that fail or never answer. */
async function startKeyServer(publicJwk: Record<string, unknown>) {
  const server: Server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/ok/openid') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/ok/keys` }));
    if (req.url === '/ok/keys') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...publicJwk, kid: 'key-1', use: 'sig', endorsements: ['msteams'] }] }));
    if (req.url === '/hang/openid') return; // never answers
    res.writeHead(500).end('key store down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(claims: Record<string, unknown>, key: KeyObject, kid = 'key-1'): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key).toString('base64url')}`;
}

describe('Teams: tokens (authentication on)', () => {
  const APP_ID = '11111111-2222-3333-4444-555555555555';
  const SERVICE_URL = 'http://127.0.0.1:9/teams/';
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600 };
  let db: TestDatabase;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    keys = await startKeyServer(signing.publicKey.export({ format: 'jwk' }) as Record<string, unknown>);
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await keys?.close();
    await db?.destroy();
  });

  /** A server whose Teams adapter reads signing keys from `metadataUrl`; returns a poster. */
  const serve = async (metadataUrl: string) => {
    const teams = createTeamsAdapter({
      deps: { db: db.db, policy: teamsPolicy(), clock: testClock() },
      config: { appId: APP_ID, appPassword: 'secret', tenantId: undefined, appType: 'MultiTenant' },
      logger: pino({ level: 'silent' }),
      openIdMetadataUrl: metadataUrl,
      authTimeoutMs: 400,
    });
    const http = createHttpApp();
    teams.install(http.app);
    const listening = await http.listen(0, '127.0.0.1');
    closers.push(() => listening.close());
    return async (body: unknown, authorization?: string) => {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${listening.port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, ms: Date.now() - started, retryAfter: res.headers.get('retry-after') };
    };
  };

  it.each([
    ['unreachable', async () => `http://127.0.0.1:${await closedPort()}/openid`],
    ['failing', async () => `${keys.base}/fail/openid`],
    ['too slow', async () => `${keys.base}/hang/openid`],
  ])('signing keys %s: a JWT-shaped token gets 503 with a plain sentence, and nothing runs', async (_name, url) => {
    const post = await serve(await url());
    const before = await rowCounts(db);
    const r = await post(activity(SERVICE_URL), `Bearer ${jwt(claims, forger.privateKey)}`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text)).toEqual({ error: 'the request could not be authenticated just now; try again later' });
    expect(r.text).not.toMatch(INTERNAL);
    expect(r.retryAfter).toBe('30');
    expect(r.ms).toBeLessThan(2000);
    expect(await rowCounts(db)).toEqual(before);
  });

  it('a missing, forged, expired or misaddressed token gets 401 with a plain sentence', async () => {
    const post = await serve(`${keys.base}/ok/openid`);
    const before = await rowCounts(db);
    const tokens: Record<string, string | undefined> = {
      'no token': undefined,
      'not a JWT': 'Bearer not-a-jwt',
      'signed with another key': `Bearer ${jwt(claims, forger.privateKey)}`,
      'an unknown key id': `Bearer ${jwt(claims, signing.privateKey, 'key-2')}`,
      expired: `Bearer ${jwt({ ...claims, nbf: now - 7200, exp: now - 3600 }, signing.privateKey)}`,
      'for another bot': `Bearer ${jwt({ ...claims, aud: 'another-app' }, signing.privateKey)}`,
      'for another service URL': `Bearer ${jwt({ ...claims, serviceurl: 'https://evil.example/' }, signing.privateKey)}`,
    };
    for (const [name, authorization] of Object.entries(tokens)) {
      const r = await post(activity(SERVICE_URL), authorization);
      expect(r.status, name).toBe(401);
      expect(JSON.parse(r.text), name).toEqual({ error: 'unauthorized: a valid Bot Framework token is required' });
      expect(r.text, name).not.toMatch(INTERNAL);
    }
    expect(await rowCounts(db)).toEqual(before);
  });

  it('a token signed with the published key is accepted and the turn runs', async () => {
    const post = await serve(`${keys.base}/ok/openid`);
    const invoke = activity(SERVICE_URL, { type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', verb: 'launch.missiles', data: {} }, trigger: 'manual' } });
    const r = await post(invoke, `Bearer ${jwt(claims, signing.privateKey)}`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { statusCode: number; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expect(cardText(body.value)).toContain('out of date');
  });
});
