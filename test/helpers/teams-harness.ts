/**
 * Drives the real Teams adapter over HTTP: activities POSTed to /api/messages with auth off, the
 * bot's outgoing calls answered by a local fake Bot Connector. Forms are filled from the cards
 * the bot sends, never from hard-coded ids.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Db } from '../../db/client';
import { createTeamsAdapter } from '../../adapters/teams';
import type { TeamsSettings } from '../../adapters/teams/create-teams-adapter';
import type { Policy } from '../../flows';
import { parsePolicy } from '../../flows';
import type { Answers } from '../../flows/triage/types';
import { createDispatcher } from '../../src/dispatcher';
import { createHttpApp } from '../../src/http-server';
import type { TestClock } from './clock';
import { testClock } from './clock';
import type { TestDatabase } from './db';
import { createTestDatabase } from './db';
import type { FakeBotConnector } from './fake-bot-connector';
import { startFakeBotConnector } from './fake-bot-connector';
import type { WorkGate } from '../../flows/work-gate';

/** The tenant of the test organisation. */
export const TENANT = 'tenant-acme';
/** The approvals channel of the test policy. */
export const APPROVALS = '19:approvals@thread.tacv2';

/** A Teams user of the tests. */
export interface TeamsUser {
  aad: string;
  name: string;
  email: string;
}

const user = (key: string, name: string, email: string): TeamsUser => ({ aad: `00000000-0000-4000-8000-${key.padStart(12, '0')}`, name, email });

/** The people: alice registers, bob owns, the others approve (dpo through `email:`). */
export const people = {
  alice: user('a11ce', 'Alice', 'alice@acme.example'),
  bob: user('b0b', 'Bob', 'bob@acme.example'),
  compliance: user('c0', 'Cora Compliance', 'cora@acme.example'),
  compliance2: user('c2', 'Carl Compliance', 'carl@acme.example'),
  dpo: user('d0', 'Dora DPO', 'dpo@acme.example'),
  security: user('5ec', 'Sam Security', 'sam@acme.example'),
  mallory: user('ba0', 'Mallory', 'mallory@acme.example'),
};

/** The test policy: Teams groups, one member by email, an approvals channel. */
export function teamsPolicy(overrides: Record<string, unknown> = {}): Policy {
  return parsePolicy({
    groups: {
      compliance: [`teams:${people.compliance.aad}`, `teams:${people.compliance2.aad}`],
      privacy: ['email:dpo@acme.example'],
      security: [`teams:${people.security.aad}`],
    },
    channels: { approvals: { teams: APPROVALS } },
    ...overrides,
  });
}

type Json = Record<string, unknown>;

/** A card action button. */
export interface CardButton {
  title: string;
  verb: string;
  data: Json;
}

/** Every Action.Execute in a card (top-level and in action sets). */
export function buttons(card: Json): CardButton[] {
  const out: CardButton[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if (n.type === 'Action.Execute') out.push({ title: String(n.title), verb: String(n.verb), data: n.data as Json });
    for (const [k, v] of Object.entries(n)) if (k !== 'refresh') walk(v);
  };
  walk(card.body);
  walk(card.actions);
  return out;
}

/** Every input of a card. */
export function inputs(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) out.push(n);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
}

/** Markdown as people read it: a backslash before ASCII punctuation only escapes it. */
const unescape = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** All text of a card, for assertions on what people read (markdown escapes read, formatting kept). */
export function cardText(card: Json): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if (typeof n.text === 'string') out.push(unescape(n.text));
    if (n.type === 'FactSet') for (const f of n.facts as Json[]) out.push(`${unescape(String(f.title))}: ${unescape(String(f.value))}`);
    for (const [k, v] of Object.entries(n)) if (k !== 'facts') walk(v);
  };
  walk(card.body);
  return out.join('\n');
}

/** The card of a sent or updated activity body. */
export function cardOf(body: Json | null | undefined): Json {
  const att = (body?.attachments as Json[] | undefined)?.[0];
  if (!att) throw new Error(`no card in ${JSON.stringify(body)}`);
  return att.content as Json;
}

/** A running Teams test bench. */
export interface TeamsBench {
  db: TestDatabase;
  clock: TestClock;
  fake: FakeBotConnector;
  url: string;
  policy: Policy;
  /** POSTs an activity; returns status and parsed body. */
  post(activity: Json, headers?: Record<string, string>): Promise<{ status: number; body: Json | null }>;
  /** A personal-chat message from `u`; returns the card of the bot's reply. */
  say(u: TeamsUser, text: string): Promise<Json>;
  /** A channel message (with an @mention) from `u`; returns the reply card. */
  sayInChannel(u: TeamsUser, text: string): Promise<Json>;
  /** An Action.Execute invoke from `u` with `data` (inputs merged); returns the card answered. */
  execute(u: TeamsUser, data: Json, opts?: { verb?: string; channel?: boolean; trigger?: string }): Promise<Json>;
  /** Sends the install event of the app in `u`'s personal chat (stores the reference). */
  installPersonal(u: TeamsUser): Promise<void>;
  /** Sends the install event in the approvals channel. */
  installChannel(): Promise<void>;
  /** Fills a paged form from its first card to the end; returns the last card. */
  fillForm(u: TeamsUser, first: Json, values: Record<string, string>): Promise<Json>;
  /** Delivers everything due. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Turns answers (and fields) into the strings card inputs hold. */
export function formValues(fields: Record<string, string>, answers: Answers): Record<string, string> {
  const out: Record<string, string> = { ...fields };
  for (const [k, v] of Object.entries(answers)) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}

/** Starts a bench on a fresh database of `kind`. */
export async function startTeamsBench(
  kind: 'pglite' | 'postgres' = 'pglite',
  policy = teamsPolicy(),
  /** `wrapDb`: what the bot sees instead of the database handle (fault injection). */
  opts: { wrapDb?: (db: Db) => Db; shareDatabase?: TestDatabase; gate?: WorkGate } = {},
): Promise<TeamsBench> {
  const db = opts.shareDatabase ?? (await createTestDatabase(kind));
  const clock = testClock();
  const fake = await startFakeBotConnector();
  for (const u of Object.values(people)) fake.addMember({ id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name, email: u.email, userPrincipalName: u.email });
  const deps = { db: opts.wrapDb ? opts.wrapDb(db.db) : db.db, policy, clock };
  const logger = pino({ level: 'silent' });
  const dispatcher = createDispatcher(deps, logger);
  // The public URL (SoA download links) is this server's, known once it listens.
  const config: TeamsSettings = { appId: '', appPassword: undefined, tenantId: undefined, appType: 'MultiTenant', publicUrl: undefined };
  const teams = createTeamsAdapter({ deps, config, logger, ...(opts.gate ? { gate: opts.gate } : {}) });
  dispatcher.register('teams', teams.deliverer);
  const http = createHttpApp();
  teams.install(http.app);
  const listening = await http.listen(0, '127.0.0.1');
  config.publicUrl = `http://127.0.0.1:${listening.port}`;
  const url = `${config.publicUrl}/api/messages`;

  const base = (u: TeamsUser, channel: boolean): Json => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: fake.url,
    timestamp: clock.now().toISOString(),
    from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
    recipient: { id: '28:aimsbot', name: 'aimsbot' },
    conversation: channel
      ? { id: `${APPROVALS};messageid=1`, conversationType: 'channel', isGroup: true, tenantId: TENANT }
      : { id: `a:personal-${u.aad}`, conversationType: 'personal', tenantId: TENANT },
    channelData: channel ? { tenant: { id: TENANT }, channel: { id: APPROVALS }, team: { id: '19:team@thread.tacv2' } } : { tenant: { id: TENANT } },
  });

  const post = async (activity: Json, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
    const text = await res.text();
    let body: Json | null = null;
    try {
      body = text ? (JSON.parse(text) as Json) : null;
    } catch {
      body = { text };
    }
    return { status: res.status, body };
  };

  const replyCard = async (activity: Json, conversation: string): Promise<Json> => {
    const before = fake.sent(conversation).length;
    const r = await post(activity);
    if (r.status !== 200) throw new Error(`message answered ${r.status}: ${JSON.stringify(r.body)}`);
    const sent = fake.sent(conversation);
    if (sent.length !== before + 1) throw new Error(`expected one reply, got ${sent.length - before}`);
    return cardOf(sent.at(-1)!.body);
  };

  const bench: TeamsBench = {
    db,
    clock,
    fake,
    url,
    policy,
    post,
    say: (u, text) => replyCard({ ...base(u, false), type: 'message', text }, `a:personal-${u.aad}`),
    sayInChannel: (u, text) =>
      replyCard(
        {
          ...base(u, true),
          type: 'message',
          text: `<at>aimsbot</at> ${text}`,
          entities: [{ type: 'mention', text: '<at>aimsbot</at>', mentioned: { id: '28:aimsbot', name: 'aimsbot' } }],
        },
        `${APPROVALS};messageid=1`,
      ),
    execute: async (u, data, opts = {}) => {
      const r = await post({
        ...base(u, opts.channel ?? false),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: opts.verb ?? String(data.action), data }, trigger: opts.trigger ?? 'manual' },
      });
      if (r.status !== 200) throw new Error(`invoke answered ${r.status}: ${JSON.stringify(r.body)}`);
      const body = r.body as { statusCode: number; type: string; value: Json };
      if (body.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`unexpected invoke body ${JSON.stringify(body)}`);
      return body.value;
    },
    installPersonal: async (u) => {
      const r = await post({ ...base(u, false), type: 'installationUpdate', action: 'add' });
      if (r.status !== 200) throw new Error(`install answered ${r.status}`);
    },
    installChannel: async () => {
      const r = await post({
        ...base(people.compliance, true),
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:aimsbot' }],
        conversation: { id: APPROVALS, conversationType: 'channel', isGroup: true, tenantId: TENANT },
      });
      if (r.status !== 200) throw new Error(`channel install answered ${r.status}`);
    },
    fillForm: async (u, first, values) => {
      let card = first;
      for (let i = 0; i < 8; i++) {
        const next = buttons(card).find((b) => b.data.action === 'form.next');
        if (!next) return card;
        const data: Json = { ...next.data };
        for (const input of inputs(card)) {
          const id = String(input.id);
          data[id] = values[id] ?? (typeof input.value === 'string' ? input.value : '');
        }
        card = await bench.execute(u, data);
      }
      throw new Error('form did not end');
    },
    drain: () => dispatcher.drain(),
    close: async () => {
      await dispatcher.stop();
      await listening.close();
      await fake.close();
      if (!opts.shareDatabase) await db.destroy();
    },
  };
  return bench;
}
