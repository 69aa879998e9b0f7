/**
 * A real aimsbot HTTP server for Slack tests: the shared express app, the Slack adapter on real
 * Bolt, the outbox dispatcher, a fresh database, and a fake Slack Web API. Requests go over HTTP.
 */
import { pino } from 'pino';
import type { Db } from '../../db/client';
import type { FlowDeps } from '../../flows';
import { createSlackAdapter } from '../../adapters/slack/create-slack-adapter';
import type { SlackAdapter, SlackSettings } from '../../adapters/slack/create-slack-adapter';
import type { Policy } from '../../flows/policy';
import type { WorkLimits } from '../../flows/work-gate';
import { parsePolicy } from '../../flows/policy';
import { createDispatcher } from '../../src/dispatcher';
import type { Dispatcher } from '../../src/dispatcher';
import { createHttpApp } from '../../src/http-server';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';
import { testClock } from './clock';
import type { TestClock } from './clock';
import type { FakeSlackApi, FakeUser } from './fake-slack-api';
import { startFakeSlackApi } from './fake-slack-api';
import type { SlackBody } from './slack-requests';
import { signatureHeaders, SIGNING_SECRET } from './slack-requests';

/** People of the test workspace. */
export const USERS = {
  alice: { id: 'U0ALICE', name: 'Alice', email: 'alice@acme.example' },
  bob: { id: 'U0BOB', name: 'Bob', email: 'bob@acme.example' },
  carol: { id: 'U0COMP', name: 'Carol Compliance', email: 'carol@acme.example' },
  dana: { id: 'U0COMP2', name: 'Dana Compliance', email: 'dana@acme.example' },
  dpo: { id: 'U0DPO', name: 'Pat Privacy', email: 'dpo@acme.example' },
  mallory: { id: 'U0MAL', name: 'Mallory', email: 'mallory@acme.example' },
} satisfies Record<string, FakeUser>;

/** The test policy: an approvals channel, and a privacy group known only by email. */
export const TEST_POLICY = {
  organization: { name: 'Acme' },
  groups: { compliance: ['slack:U0COMP', 'slack:U0COMP2'], privacy: ['email:dpo@acme.example'], security: ['slack:U0SEC'] },
  channels: { approvals: { slack: 'C0APPROVALS' } },
};

/** A running test server. */
export interface SlackTestServer {
  url: string;
  fake: FakeSlackApi;
  database: TestDatabase;
  deps: FlowDeps;
  clock: TestClock;
  adapter: SlackAdapter;
  dispatcher: Dispatcher;
  /** Posts a signed request to /slack/events. */
  send(req: SlackBody, headers?: Record<string, string>): Promise<Response>;
  /** Posts with custom (possibly wrong) signature headers. */
  sendRaw(req: SlackBody, headers: Record<string, string>): Promise<Response>;
  /** Waits for handlers and delivers the outbox. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server. */
export async function startSlackServer(
  o: {
    db?: 'pglite' | 'postgres';
    policy?: unknown;
    /** What the server sees instead of the database handle (fault injection). */
    wrapDb?: (db: Db) => Db;
    /** Another server's database, to run a second replica on it (left open on close). */
    shareDatabase?: TestDatabase;
    /** Slack settings over the defaults (e.g. `oauth` for many workspaces: the bot token is then dropped). */
    slack?: Partial<SlackSettings>;
    /** Bounds of the work behind the ack (default: the production defaults). */
    limits?: WorkLimits;
    /** The people the fake Slack knows (default {@link USERS}). */
    users?: FakeUser[];
    /** Channel members the fake Slack knows. */
    members?: Record<string, string[]>;
  } = {},
): Promise<SlackTestServer> {
  const fake = await startFakeSlackApi({ users: o.users ?? Object.values(USERS), members: o.members });
  const database = o.shareDatabase ?? (await createTestDatabase(o.db ?? 'pglite'));
  const clock = testClock(new Date().toISOString());
  const policy: Policy = parsePolicy(o.policy ?? TEST_POLICY);
  const deps = { db: o.wrapDb ? o.wrapDb(database.db) : database.db, policy, clock };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const dispatcher = createDispatcher(deps, logger);
  const adapter = createSlackAdapter({
    deps,
    logger,
    config: { botToken: o.slack?.oauth ? '' : 'xoxb-test-token', signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: fake.apiUrl, limits: o.limits, ...o.slack },
    afterChange: () => void dispatcher.kick(),
  });
  const http = createHttpApp();
  http.addReadiness('database', () => database.ping());
  adapter.install(http.app);
  dispatcher.register('slack', adapter.deliverer);
  const listening = await http.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${listening.port}`;
  const sendRaw = (req: SlackBody, headers: Record<string, string>) =>
    fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': req.contentType, ...headers }, body: req.body });
  return {
    url,
    fake,
    database,
    deps,
    clock,
    adapter,
    dispatcher,
    sendRaw,
    send: (req, headers = {}) => sendRaw(req, { ...signatureHeaders(req.body), ...headers }),
    settle: async () => {
      await adapter.idle();
      await dispatcher.drain();
      await adapter.idle();
    },
    close: async () => {
      await adapter.idle();
      await dispatcher.stop();
      await listening.close();
      await fake.close();
      if (!o.shareDatabase) await database.destroy();
    },
  };
}
