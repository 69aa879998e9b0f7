/**
 * `aimsbot serve` as an operator runs it, on a fresh Postgres database, while Postgres terminates
 * that database's connections again and again (only that database's: other tests share the
 * server). The process stays up, people hit by a blip are told to try again, and `/readyz` turns
 * 503 while the database refuses connections (or lacks a migration) and 200 once it is usable.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { parsePolicy } from '../../flows/policy';
import { systemClock } from '../../flows/ports';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { ADMIN_URL, createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import type { FakeSlackApi } from '../helpers/fake-slack-api';
import { startFakeSlackApi } from '../helpers/fake-slack-api';
import type { SlackBody } from '../helpers/slack-requests';
import { blockAction, signatureHeaders, SIGNING_SECRET, slashCommand } from '../helpers/slack-requests';
import { TEST_POLICY, USERS } from '../helpers/slack-server';

const TRY_AGAIN = 'Something went wrong on our side; nothing was changed. Please try again.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it is true or `ms` pass. */
async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

describe('aimsbot serve when the database drops its connections', () => {
  let fake: FakeSlackApi;
  let database: TestDatabase;
  let dbName: string;
  let dir: string;
  let child: ChildProcess;
  let stderr = '';
  let url = '';
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

  const send = (req: SlackBody) =>
    fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': req.contentType, ...signatureHeaders(req.body) },
      body: req.body,
      signal: AbortSignal.timeout(10_000),
    });
  const terminate = () => admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  const readyz = async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
  const replies = () => fake.callsOf('response_url').map((c) => JSON.stringify(c.params));
  /** The end of the server's log without the dispatcher's repeated failures, for a failed assertion. */
  const serverLog = () =>
    stderr
      .split('\n')
      .filter((l) => !l.includes('notification dispatch failed'))
      .join('\n')
      .slice(-6000);

  beforeAll(async () => {
    fake = await startFakeSlackApi({ users: Object.values(USERS) });
    database = await createTestDatabase('postgres');
    dbName = new URL(database.url!).pathname.slice(1);
    dir = mkdtempSync(join(tmpdir(), 'aims-serve-blip-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(TEST_POLICY));
    child = spawn(process.execPath, ['bin/aimsbot.js', 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        AIMS_POLICY: join(dir, 'policy.json'),
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: '',
        SLACK_API_URL: fake.apiUrl,
        MICROSOFT_APP_ID: '',
        AIMS_TEAMS: '',
        REDIS_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    const listening = await until(() => /"msg":"aimsbot listening"/.test(stderr), 60_000);
    if (!listening) throw new Error(`serve did not start: ${stderr.slice(-2000)}`);
    const port = /"port":(\d+)[^\n]*"msg":"aimsbot listening"/.exec(stderr)![1];
    url = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(async () => {
    await admin.unsafe(`alter database ${dbName} allow_connections true`).catch(() => {});
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await until(() => child.exitCode !== null, 10_000);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await fake?.close();
    await database?.destroy();
    await admin.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stays up through repeated terminations; whoever is hit is told to try again', async () => {
    expect(await readyz()).toBe(200);
    // Steps waiting for Bob, written as another process (a second replica) would.
    const deps = { db: database.db, policy: parsePolicy(TEST_POLICY), clock: systemClock };
    const ctx = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    const steps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await flows.register(ctx, { fields: fieldsFor(`Serve Blip ${i}`, 'slack:U0BOB'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      steps.push(r.request.steps[0]!.id);
    }

    let storming = true;
    const storms = (async () => {
      while (storming) {
        const end = Date.now() + 250;
        while (storming && Date.now() < end) {
          await terminate().catch(() => {});
          await sleep(20);
        }
        await sleep(300);
      }
    })();
    const statuses: number[] = [];
    let commands = 0;
    try {
      for (let i = 0; i < 6; i++) {
        const list = await send(slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${fake.responseBase}/list-${i}` }));
        statuses.push(list.status);
        commands++;
        const click = await send(
          blockAction({ actionId: 'approval.approve', value: String(steps[i]), user: USERS.bob.id, channel: 'C0APPROVALS', messageTs: `1700000100.00010${i}`, responseUrl: `${fake.responseBase}/click-${i}` }),
        );
        statuses.push(click.status);
        await sleep(150);
      }
    } finally {
      storming = false;
      await storms;
    }
    // Every request was acknowledged, and every command answered once, whether it worked or not.
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(await until(() => replies().length >= commands, 20_000)).toBe(true);
    expect(replies()).toHaveLength(commands);
    const failed = [...replies(), ...fake.callsOf('chat.postEphemeral').map((c) => JSON.stringify(c.params))].filter((r) => r.includes(TRY_AGAIN));
    expect(failed.length).toBeGreaterThan(0);

    expect(child.exitCode).toBeNull();
    expect(stderr).not.toMatch(/reading 'write'|uncaught/i);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await until(async () => (await readyz()) === 200, 15_000)).toBe(true);
    // And it serves normally again (a connection killed in the last storm may fail one more request).
    let reply = TRY_AGAIN;
    for (let i = 0; i < 10 && reply.includes(TRY_AGAIN); i++) {
      const before = replies().length;
      expect((await send(slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${fake.responseBase}/after-${i}` }))).status).toBe(200);
      expect(await until(() => replies().length > before, 15_000)).toBe(true);
      reply = replies().at(-1)!;
      if (reply.includes(TRY_AGAIN)) await sleep(300);
    }
    expect(reply).not.toContain(TRY_AGAIN);
  }, 120_000);

  it('/readyz is 503 while the database refuses connections and 200 once it takes them again', async () => {
    await admin.unsafe(`alter database ${dbName} allow_connections false`);
    try {
      await terminate();
      expect(await until(async () => (await readyz()) === 503, 15_000)).toBe(true);
      const body = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, boolean> };
      expect(body.checks.database).toBe(false);
      // A command meanwhile is acknowledged and answered with "try again".
      const before = replies().length;
      expect((await send(slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${fake.responseBase}/down` }))).status).toBe(200);
      expect(await until(() => replies().length > before, 45_000), serverLog()).toBe(true);
      expect(replies().at(-1)).toContain(TRY_AGAIN);
    } finally {
      await admin.unsafe(`alter database ${dbName} allow_connections true`);
    }
    expect(await until(async () => (await readyz()) === 200, 20_000)).toBe(true);
    expect(child.exitCode).toBeNull();
  }, 90_000);

  it('/readyz is 503 while the schema is older than this version, as if a migration were missing', async () => {
    const c = postgres(database.url!, { max: 1, onnotice: () => {} });
    const [newest] = await c<{ id: number; hash: string; created_at: string }[]>`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    await c`delete from drizzle.__drizzle_migrations where id = ${newest!.id}`;
    try {
      expect(await readyz()).toBe(503);
    } finally {
      await c`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${newest!.id}, ${newest!.hash}, ${newest!.created_at})`;
      await c.end();
    }
    expect(await readyz()).toBe(200);
  });
});
