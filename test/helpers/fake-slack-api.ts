/**
 * A local fake of the Slack Web API (and of response URLs): records every call with its
 * method, parameters and authorization header, and answers like Slack does. It can be told to
 * answer one call of a method with HTTP 429 and a Retry-After.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded call (calls answered 429 are kept apart in `limitedCalls`). */
export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  auth: string | undefined;
}

/** A user the fake knows. */
export interface FakeUser {
  id: string;
  name: string;
  email?: string;
}

/** The running fake. */
export interface FakeSlackApi {
  /** Base URL ending in `/api/`, for SLACK_API_URL. */
  apiUrl: string;
  /** Base for response URLs: `${responseBase}/<anything>`. */
  responseBase: string;
  calls: SlackCall[];
  /** Calls of one method (`response_url` for posts to response URLs). */
  callsOf(method: string): SlackCall[];
  /** Answers one call of `method` (after `skip` more succeed) with 429 and `Retry-After: seconds`. */
  rateLimitOnce(method: string, seconds: number, skip?: number): void;
  /** How many calls of a method were answered 429. */
  limitedCalls: SlackCall[];
  reset(): void;
  close(): Promise<void>;
}

// Parameters the Web API client sends as JSON text inside a form field.
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw text
      }
    }
    out[k] = v;
  }
  return out;
}

/** Starts the fake on a free port. */
export async function startFakeSlackApi(opts: { team?: string; users?: FakeUser[] } = {}): Promise<FakeSlackApi> {
  const team = opts.team ?? 'T0TEAM';
  const users = opts.users ?? [];
  const calls: SlackCall[] = [];
  const limited = new Map<string, { seconds: number; skip: number }>();
  const limitedCalls: SlackCall[] = [];
  let ts = 1_700_000_000;
  const nextTs = () => `${++ts}.000100`;

  const answer = (method: string, p: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'aimsbot', team_id: team, user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage':
        return { ok: true, channel: p.channel, ts: nextTs(), message: { text: p.text } };
      case 'chat.update':
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish':
        return { ok: true, view: { id: `V${calls.length}`, ...(p.view as object) } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(p.users).split(',')[0]}` } };
      case 'users.info': {
        const u = users.find((x) => x.id === p.user);
        if (!u) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: u.id, name: u.name.toLowerCase(), real_name: u.name, profile: { display_name: u.name, email: u.email } } };
      }
      case 'users.lookupByEmail': {
        const u = users.find((x) => x.email && x.email.toLowerCase() === String(p.email).toLowerCase());
        return u ? { ok: true, user: { id: u.id, name: u.name } } : { ok: false, error: 'users_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const isResponseUrl = url.startsWith('/response/');
      const method = isResponseUrl ? 'response_url' : url.replace(/^\/api\//, '').split('?')[0]!;
      const json = (req.headers['content-type'] ?? '').includes('json');
      const params = text ? (json ? (JSON.parse(text) as Record<string, unknown>) : parseForm(text)) : {};
      const call = { method, params, auth: req.headers.authorization };
      const wait = limited.get(method);
      if (wait !== undefined && wait.skip > 0) wait.skip -= 1;
      else if (wait !== undefined) {
        limited.delete(method);
        limitedCalls.push(call);
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(wait.seconds) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      calls.push(call);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(isResponseUrl ? { ok: true } : answer(method, params)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseBase: `${base}/response`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    rateLimitOnce: (method, seconds, skip = 0) => void limited.set(method, { seconds, skip }),
    limitedCalls,
    reset: () => {
      calls.length = 0;
      limitedCalls.length = 0;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
