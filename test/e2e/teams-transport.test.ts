/** Teams transport: authentication, refusal of empty credentials in production, connector 429s. */
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { createTeamsAdapter } from '../../adapters/teams';
import { loadConfig } from '../../src/config';
import { createHttpApp } from '../../src/http-server';
import { runCli } from '../../src/cli';
import { conversationRefs, inboundEvents, people as peopleTable, workspaces } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { APPROVALS, formValues, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';
import type { TeamsBench } from '../helpers/teams-harness';
import { notifications, platformMessages } from '../../db/schema';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('Teams credentials', () => {
  it('refuses an empty app id in production, naming MICROSOFT_APP_ID (config and serve)', async () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AIMS_TEAMS: '1', MICROSOFT_APP_ID: '' })).toThrow(/MICROSOFT_APP_ID/);
    let err = '';
    const code = await runCli({
      argv: ['serve'],
      stdin: process.stdin,
      stdout: () => {},
      stderr: (t) => void (err += t),
      env: { NODE_ENV: 'production', AIMS_TEAMS: '1', MICROSOFT_APP_ID: '', PORT: '0' },
    });
    expect(code).toBe(2);
    expect(err).toMatch(/MICROSOFT_APP_ID/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('with an app id and password, a request without a token gets 401 and writes nothing', async () => {
    const db: TestDatabase = await createTestDatabase('pglite');
    cleanup.push(() => db.destroy());
    const deps = { db: db.db, policy: teamsPolicy(), clock: testClock() };
    const teams = createTeamsAdapter({
      deps,
      config: { appId: '11111111-2222-3333-4444-555555555555', appPassword: 'secret', tenantId: undefined, appType: 'MultiTenant' },
      logger: pino({ level: 'silent' }),
    });
    const http = createHttpApp();
    teams.install(http.app);
    const server = await http.listen(0, '127.0.0.1');
    cleanup.push(() => server.close());
    const activity = {
      type: 'message',
      id: 'm-unauth',
      text: 'register',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: `29:${people.mallory.aad}`, aadObjectId: people.mallory.aad, name: 'Mallory' },
      recipient: { id: '28:aimsbot' },
      conversation: { id: 'a:x', conversationType: 'personal', tenantId: 'tenant-acme' },
    };
    const url = `http://127.0.0.1:${server.port}/api/messages`;
    const noToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(noToken.status).toBe(401);
    for (const authorization of ['Bearer not-a-jwt', 'Basic YWxpY2U6c2VjcmV0', 'Bearer ']) {
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(activity) });
      expect(bad.status, authorization).toBe(401);
    }
    for (const table of [workspaces, peopleTable, conversationRefs, inboundEvents]) {
      expect(await db.db.select().from(table)).toHaveLength(0);
    }
  });
});

describe('Teams connector throttling', () => {
  let bench: TeamsBench;
  it('a 429 from the connector is retried after Retry-After and the card is posted once', async () => {
    bench = await startTeamsBench('pglite');
    cleanup.push(() => bench.close());
    await bench.installChannel();
    await bench.installPersonal(people.alice);
    // More 429s than the connector client retries on its own (it waits the 0 s it is told):
    // the last one asks for 30 s, and the outbox waits that long before it tries again.
    const path = new RegExp(`/v3/conversations/${APPROVALS}/activities$`);
    bench.fake.throttleNext('POST', path, 3, 0);
    bench.fake.throttleNext('POST', path, 1, 30);
    const first = await bench.say(people.alice, 'register');
    await bench.fillForm(people.alice, first, formValues(fieldsFor('Throttled Tool', people.alice.aad), minimalAnswers));
    await bench.drain();
    expect(bench.fake.calls.filter((c) => c.status === 429)).toHaveLength(4);
    expect(bench.fake.sent(APPROVALS)).toHaveLength(0);
    const [row] = await bench.db.db.select().from(notifications).where(eq(notifications.kind, 'approval.requested'));
    expect(row).toMatchObject({ status: 'pending' });
    expect(row!.notBefore.getTime() - bench.clock.now().getTime()).toBe(30_000);

    bench.clock.advance(29_000);
    await bench.drain();
    expect(bench.fake.sent(APPROVALS)).toHaveLength(0);
    bench.clock.advance(1_000);
    await bench.drain();
    expect(bench.fake.sent(APPROVALS)).toHaveLength(1);
    await bench.drain();
    expect(bench.fake.sent(APPROVALS)).toHaveLength(1);
    const copies = await bench.db.db.select().from(platformMessages).where(eq(platformMessages.conversationId, APPROVALS));
    expect(copies).toHaveLength(1);
  });
});
