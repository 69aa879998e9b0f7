/**
 * The replay store on the real Postgres, as several `serve` replicas use it: a key is first seen
 * exactly once across replicas (also when they race), old rows are purged, and when the database
 * cannot be reached the Slack gate falls back to the replica's own memory: the request goes on
 * (the flow then tells the person to try again), and the same request again is still refused.
 */
import { sql } from 'drizzle-orm';
import type { Request, Response } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayStore, REPLAY_RETENTION_MS } from '../../adapters/slack/replay-store';
import { slackRequestGuard } from '../../adapters/slack/request-guard';
import { openDatabase } from '../../db/client';
import { createHttpApp } from '../../src/http-server';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase } from '../helpers/db';
import { signatureHeaders, SIGNING_SECRET, slashCommand } from '../helpers/slack-requests';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('postgres');
});
afterAll(async () => {
  await database?.destroy();
});

const keys = async () => {
  const r = (await database.db.execute(sql`select key from request_replay order by key`)) as unknown as Array<{ key: string }>;
  return r.map((x) => x.key);
};

describe('replay store', () => {
  it('a key is first seen once across replicas, also when they race', async () => {
    const a = createReplayStore({ db: database.db });
    const b = createReplayStore({ db: database.db });
    expect(await a.firstSeen('slack:v0=one')).toBe(true);
    expect(await b.firstSeen('slack:v0=one')).toBe(false);
    expect(await a.firstSeen('slack:v0=one')).toBe(false);
    const raced = await Promise.all([a.firstSeen('slack:v0=two'), b.firstSeen('slack:v0=two'), a.firstSeen('slack:v0=two'), b.firstSeen('slack:v0=two')]);
    expect(raced.filter(Boolean)).toHaveLength(1);
  });

  it('groups the inserts of keys arriving together: each is first seen once, in a few statements', async () => {
    // Every statement to Postgres goes through the client's `unsafe`; count the replay inserts.
    const client = (database.db as unknown as { $client: { unsafe: (...a: unknown[]) => unknown } }).$client;
    const unsafe = client.unsafe;
    let inserts = 0;
    client.unsafe = (...args: unknown[]) => {
      if (String(args[0]).startsWith('insert into "request_replay"')) inserts += 1;
      return unsafe.apply(client, args);
    };
    try {
      const a = createReplayStore({ db: database.db });
      const b = createReplayStore({ db: database.db });
      expect(await b.firstSeen('slack:v0=burst-7')).toBe(true);
      inserts = 0;
      const keysSent = Array.from({ length: 60 }, (_, i) => `slack:v0=burst-${i}`);
      const first = await Promise.all(keysSent.map((k) => a.firstSeen(k)));
      // Key 7 was already taken by the other replica; every other key is new.
      expect(first.filter((f) => !f)).toHaveLength(1);
      expect(first[7]).toBe(false);
      expect(inserts).toBeGreaterThan(0);
      expect(inserts).toBeLessThanOrEqual(3);
      expect(await keys()).toEqual(expect.arrayContaining(keysSent));
      expect(await Promise.all(keysSent.slice(0, 5).map((k) => b.firstSeen(k)))).toEqual([false, false, false, false, false]);
    } finally {
      client.unsafe = unsafe;
    }
  });

  it('purges rows older than the retention and keeps newer ones', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const store = createReplayStore({ db: database.db, now: () => now });
    expect(await store.firstSeen('slack:v0=old')).toBe(true);
    now += REPLAY_RETENTION_MS - 60_000;
    expect(await store.firstSeen('slack:v0=recent')).toBe(true);
    now += 2 * 60_000;
    expect(await store.firstSeen('slack:v0=late')).toBe(true);
    const left = await keys();
    expect(left).not.toContain('slack:v0=old');
    expect(left).toEqual(expect.arrayContaining(['slack:v0=recent', 'slack:v0=late']));
  });
});

describe('Slack gate and the database', () => {
  const serve = async (store: ReturnType<typeof createReplayStore>, replayCheckMs?: number) => {
    const http = createHttpApp();
    const seen: string[] = [];
    const receiver = (req: Request, res: Response) => {
      seen.push(String((req as Request & { rawBody?: Buffer }).rawBody));
      res.json({ ok: true });
    };
    http.app.post('/slack/events', ...slackRequestGuard({ signingSecret: SIGNING_SECRET, replay: store, logger: pino({ level: 'silent' }), replayCheckMs }), receiver);
    const listening = await http.listen(0, '127.0.0.1');
    const post = (body: string, contentType: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${listening.port}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    return { seen, post, close: () => listening.close() };
  };

  it('hands the raw body on to the receiver once the request passes', async () => {
    const app = await serve(createReplayStore({ db: database.db }));
    try {
      const req = slashCommand({ text: 'help', user: 'U0ALICE', responseUrl: 'http://127.0.0.1:9/r' });
      expect((await app.post(req.body, req.contentType, signatureHeaders(req.body))).status).toBe(200);
      expect(app.seen).toEqual([req.body]);
    } finally {
      await app.close();
    }
  });

  it('checks by this replica alone when the database cannot be reached: the request goes on once, its replay is refused', async () => {
    const unreachable = await openDatabase({ url: 'postgres://root@127.0.0.1:1/aims_nowhere', maxConnections: 1 });
    const app = await serve(createReplayStore({ db: unreachable.db }));
    try {
      const req = slashCommand({ text: 'help', user: 'U0ALICE', responseUrl: 'http://127.0.0.1:9/r' });
      const headers = signatureHeaders(req.body);
      expect((await app.post(req.body, req.contentType, headers)).status).toBe(200);
      const again = await app.post(req.body, req.contentType, headers);
      expect(again.status).toBe(401);
      expect(await again.text()).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
      expect(app.seen).toEqual([req.body]);
    } finally {
      await app.close();
      await unreachable.close();
    }
  });

  it('does not keep Slack waiting when the database is slow: past the limit the request goes on, checked by this replica', async () => {
    const stuck = { firstSeen: () => new Promise<boolean>(() => {}) };
    const app = await serve(stuck, 200);
    try {
      const req = slashCommand({ text: 'help', user: 'U0ALICE', responseUrl: 'http://127.0.0.1:9/r' });
      const started = Date.now();
      expect((await app.post(req.body, req.contentType, signatureHeaders(req.body))).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(app.seen).toEqual([req.body]);
    } finally {
      await app.close();
    }
  });
});
