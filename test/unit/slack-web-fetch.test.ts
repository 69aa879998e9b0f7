import type { Socket } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalHttp } from '../helpers/local-http';
import { listenLocal } from '../helpers/local-http';
import { createWebApiFetch } from '../../adapters/slack/web-fetch';

let server: LocalHttp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A local Web API; `handle` answers each call (body already read). Returns the API base URL. */
async function listen(handle: Parameters<typeof listenLocal>[0]): Promise<string> {
  server = await listenLocal(handle);
  return `${server.base}/api/`;
}

const client = (base: string, extra: webApi.WebClientOptions = {}) =>
  new webApi.WebClient('xoxb-test', { slackApiUrl: base, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, fetch: createWebApiFetch(), ...extra });

describe('the Web API transport', () => {
  it('sends what the client sends, on a kept connection, and hands back the answer and its headers', async () => {
    const got: Array<{ method?: string; path?: string; type?: string; auth?: string; body: string; socket: Socket }> = [];
    const base = await listen((req, body, res) => {
      got.push({ method: req.method, path: req.url, type: req.headers['content-type'], auth: req.headers.authorization, body, socket: req.socket });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'chat:write, users:read' });
      res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '1.2', message: { text: 'Réponse ✓' } }));
    });
    const c = client(base);
    const first = await c.chat.postMessage({ channel: 'C1', text: 'a & b = "c" — ü', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*x*' } }] });
    await c.chat.postMessage({ channel: 'C1', text: 'second' });
    expect(first.ok).toBe(true);
    expect((first.message as { text: string }).text).toBe('Réponse ✓');
    expect(first.response_metadata?.scopes).toEqual(['chat:write', 'users:read']);
    expect(got[0]).toMatchObject({ method: 'POST', path: '/api/chat.postMessage', type: 'application/x-www-form-urlencoded', auth: 'Bearer xoxb-test' });
    const sent = new URLSearchParams(got[0]!.body);
    expect(sent.get('text')).toBe('a & b = "c" — ü');
    expect(JSON.parse(sent.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*x*' } }]);
    expect(got[1]!.socket).toBe(got[0]!.socket);
  });

  it('reports a 429 as rate limited with its Retry-After, as with fetch', async () => {
    const base = await listen((_req, _body, res) => void res.writeHead(429, { 'retry-after': '7' }).end('{"ok":false,"error":"ratelimited"}'));
    const err = (await client(base).chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as { code?: string; retryAfter?: number };
    expect(err.code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
  });

  it('reports another status as an HTTP error with the status, headers and body, and follows no redirect', async () => {
    let calls = 0;
    const base = await listen((req, _body, res) => {
      calls += 1;
      if (req.url?.includes('moved')) return void res.writeHead(302, { location: '/api/elsewhere' }).end();
      res.writeHead(503, { 'x-slack-req-id': 'r1' }).end('down');
    });
    const err = (await client(base).apiCall('chat.postMessage', { channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as {
      code?: string;
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    expect(err.code).toBe(webApi.ErrorCode.HTTPError);
    expect(err.statusCode).toBe(503);
    expect(err.headers?.['x-slack-req-id']).toBe('r1');
    expect(err.body).toBe('down');
    const moved = (await client(base).apiCall('moved', {}).catch((e: unknown) => e)) as { code?: string; statusCode?: number };
    expect(moved.code).toBe(webApi.ErrorCode.HTTPError);
    expect(moved.statusCode).toBe(302);
    expect(calls).toBe(2);
  });

  it('reports a Slack error answer as a platform error', async () => {
    const base = await listen((_req, _body, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"channel_not_found"}'));
    const err = (await client(base).chat.postMessage({ channel: 'C9', text: 'x' }).catch((e: unknown) => e)) as { code?: string; data?: { error?: string } };
    expect(err.code).toBe(webApi.ErrorCode.PlatformError);
    expect(err.data?.error).toBe('channel_not_found');
  });

  it('sends again once when the server closed the kept connection as the call went out', async () => {
    let calls = 0;
    const base = await listen((req, _body, res) => {
      calls += 1;
      if (calls === 2) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const c = client(base);
    await c.apiCall('auth.test');
    await expect(c.apiCall('auth.test')).resolves.toMatchObject({ ok: true });
    expect(calls).toBe(3);
  });

  it('fails a call that gets no answer as a request error, not twice on a fresh connection', async () => {
    let calls = 0;
    const base = await listen((req) => {
      calls += 1;
      req.socket.destroy();
    });
    const err = (await client(base).apiCall('auth.test').catch((e: unknown) => e)) as { code?: string };
    expect(err.code).toBe(webApi.ErrorCode.RequestError);
    expect(calls).toBe(1);
  });

  it('ends a call at the client timeout', async () => {
    const base = await listen(() => undefined);
    const t0 = Date.now();
    const err = (await client(base, { timeout: 200 }).apiCall('auth.test').catch((e: unknown) => e)) as { code?: string };
    expect(err.code).toBe(webApi.ErrorCode.RequestError);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('sends a file upload (form data) through the global fetch', async () => {
    let type = '';
    let body = '';
    const base = await listen((req, b, res) => {
      type = req.headers['content-type'] ?? '';
      body = b;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await client(base).apiCall('files.upload', { file: Buffer.from('chart bytes'), filename: 'c.png' });
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('chart bytes');
  });
});

describe("the Web API client's request logs", () => {
  it('are written, redacted, when the log level is debug, and not built otherwise', async () => {
    const { default: pino } = await import('pino');
    const { slackLogger } = await import('../../adapters/slack/web-errors');
    const base = await listen((_req, _body, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    const lines = (level: string) => {
      const out: string[] = [];
      const logger = pino({ level }, { write: (s: string) => void out.push(s) });
      return { out, logger: slackLogger(logger) };
    };
    const debug = lines('debug');
    await client(base, { logger: debug.logger }).chat.postMessage({ channel: 'C1', text: 'x', token: 'xoxb-secret-in-body' });
    const text = debug.out.join('');
    expect(text).toContain('http request body');
    expect(text).toContain('http request result');
    expect(text).not.toContain('xoxb-secret-in-body');
    expect(debug.logger.getLevel()).toBe('debug');
    const info = lines('info');
    await client(base, { logger: info.logger }).chat.postMessage({ channel: 'C1', text: 'x' });
    expect(info.out.join('')).toBe('');
    expect(info.logger.getLevel()).toBe('info');
  });
});

describe('the Web API transport called as fetch', () => {
  it('keeps headers given as a Headers object or as pairs', async () => {
    const seen: Array<string | undefined> = [];
    const base = await listen((req, _body, res) => {
      seen.push(String(req.headers['x-probe']));
      res.end('{"ok":true}');
    });
    const f = createWebApiFetch();
    await (await f(`${base}a`, { method: 'POST', headers: new Headers({ 'x-probe': 'one' }), body: 'x=1' })).text();
    await (await f(`${base}b`, { method: 'POST', headers: [['x-probe', 'two']], body: 'x=1' })).text();
    await (await f(`${base}c`, { method: 'POST', headers: { 'X-Probe': 'three' }, body: 'x=1' })).text();
    expect(seen).toEqual(['one', 'two', 'three']);
  });
});
