/**
 * A local fake of the Slack Web API (and of response URLs): records every call with its
 * method, parameters and authorization header, and answers like Slack does. It can be told to
 * answer one call of a method with HTTP 429 and a Retry-After. File uploads follow Slack's
 * external upload flow: `files.getUploadURLExternal` hands out an upload URL on this server
 * (recorded as method `file.upload`), and `files.completeUploadExternal` shares the file.
 * Posted messages are kept per channel with their message metadata, and `conversations.history`
 * (newest first) and `conversations.replies` (the parent, then its replies oldest first) answer
 * from them as Slack documents: `oldest`/`latest`/`inclusive`, `limit` and cursors, and a
 * message's `metadata` only when `include_all_metadata` is set.
 * OAuth: `grant` registers a code that `oauth.v2.access` exchanges (once) for an installation
 * with its own bot token; `auth.test` then answers for that token with its team (per-token
 * identity), and every call records the token it came with, so tests see which workspace's
 * token each delivery used. With `refreshToken` a grant has token rotation: `oauth.v2.access` with
 * `grant_type=refresh_token` hands out the next token (the old one with `-r` appended).
 *
 * With `tiers` set, the fake also paces calls as Slack's rate-limit tiers do (see
 * {@link TierOptions}); off by default.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  /** A bot user (`users.list` flags it). */
  isBot?: boolean;
  /** A deactivated account (`users.list` flags it). */
  deleted?: boolean;
}

/** A file uploaded through the external upload flow. */
export interface FakeFile {
  id: string;
  filename: string;
  /** The declared length (files.getUploadURLExternal). */
  length: number;
  /** The bytes posted to the upload URL, or null before the upload. */
  bytes: Buffer | null;
  /** Set by files.completeUploadExternal. */
  shared: { channelId: string | undefined; threadTs: string | undefined; title: string | undefined; initialComment: string | undefined } | null;
}

/** A message as the fake keeps it (and as conversations.history returns it, metadata aside). */
export interface FakeMessage {
  type: 'message';
  ts: string;
  channel: string;
  user: string;
  bot_id: string;
  app_id: string;
  text: string;
  blocks?: unknown;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  files?: Array<{ id: string; name: string; title: string | undefined }>;
}

/** An installation the fake hands out for an OAuth code (`oauth.v2.access`). */
export interface FakeGrant {
  code: string;
  /** The bot token (xoxb-…) of the installation. */
  botToken: string;
  /** The workspace; absent for an org-wide (Enterprise Grid) install. */
  team?: { id: string; name: string };
  enterprise?: { id: string; name: string };
  isEnterpriseInstall?: boolean;
  /** Default `U0BOT`. */
  botUserId?: string;
  /** The installing user and, when user scopes were asked for, their token. */
  userId?: string;
  userToken?: string;
  /** Token rotation: a refresh token and seconds to expiry. */
  refreshToken?: string;
  expiresIn?: number;
}

/** The running fake. */
export interface FakeSlackApi {
  /** Registers an OAuth code that `oauth.v2.access` exchanges for this installation (once). */
  grant(g: FakeGrant): void;
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
  /** Files by id, in the order their upload URLs were handed out. */
  files: FakeFile[];
  /** Messages posted to a channel (top-level and replies), oldest first. */
  messages(channel: string): FakeMessage[];
  /** The messages of a channel from position `from` on (for pollers that look at each message once). */
  messagesSince(channel: string, from: number): FakeMessage[];
  /** Calls `fn` with each call before it is answered (after a 429 check), e.g. to inject a fault. */
  tap(fn: ((call: SlackCall) => void) | null): void;
  /** Per method, how many calls the tier emulation answered 429 (empty when it is off). */
  tierLimited: Map<string, number>;
  /** Clears the recorded calls; posted messages stay, as they do in Slack. */
  reset(): void;
  close(): Promise<void>;
}

// Parameters the Web API client sends as JSON text inside a form field.
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'files']);

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

/**
 * Slack's Web API rate-limit tiers, as documented at https://docs.slack.dev/apis/web-api/rate-limits
 * ("Rate limits", applied per method per workspace per app): Tier 1 1+ per minute (a small burst
 * tolerated), Tier 2 20+ per minute (occasional bursts), Tier 3 50+ per minute (sporadic bursts),
 * Tier 4 100+ per minute (generous bursts); the special tier of `chat.postMessage` allows about
 * one message per second per channel, short bursts above that tolerated. Over the limit Slack
 * answers HTTP 429 with `Retry-After` (seconds).
 */
export type Tier = 1 | 2 | 3 | 4 | 'post';

/** Calls per minute and burst (bucket size) of each tier. */
export const TIER_LIMITS: Record<Tier, { perMinute: number; burst: number }> = {
  1: { perMinute: 1, burst: 2 },
  2: { perMinute: 20, burst: 5 },
  3: { perMinute: 50, burst: 10 },
  4: { perMinute: 100, burst: 20 },
  // chat.postMessage: one per second per channel, a short burst of 3.
  post: { perMinute: 60, burst: 3 },
};

/** Each method's tier as its reference page lists it (methods not named here count as Tier 4). */
export const METHOD_TIERS: Record<string, Tier> = {
  'auth.test': 4,
  'chat.postMessage': 'post',
  'chat.postEphemeral': 4,
  'chat.update': 3,
  'chat.getPermalink': 4,
  'conversations.open': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'users.info': 4,
  'users.lookupByEmail': 3,
  'users.list': 2,
  'conversations.members': 4,
  'views.open': 4,
  'views.update': 4,
  'views.push': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

/** How the fake paces calls when tier emulation is on. */
export interface TierOptions {
  /** Multiplies every rate (and divides Retry-After), to test pacing quickly. Default 1. */
  speedup?: number;
  /** Tiers of methods that differ from {@link METHOD_TIERS}. */
  methods?: Record<string, Tier>;
  /** The clock in milliseconds (tests). Default `Date.now`. */
  now?: () => number;
}

/** Token buckets per method and workspace (and per channel for `chat.postMessage`). */
function tierLimiter(o: TierOptions) {
  const speedup = o.speedup ?? 1;
  const now = o.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Null when the call may go through, else the seconds to wait (Retry-After). */
  return (method: string, auth: string | undefined, params: Record<string, unknown>): number | null => {
    // Response URLs and uploads are not Web API methods.
    if (method === 'response_url' || method === 'file.upload') return null;
    const tier = o.methods?.[method] ?? METHOD_TIERS[method] ?? 4;
    const { perMinute, burst } = TIER_LIMITS[tier];
    const perMs = (perMinute * speedup) / 60_000;
    const key = `${auth ?? ''} ${method}${tier === 'post' ? ` ${String(params.channel)}` : ''}`;
    const t = now();
    const b = buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  };
}

/** Starts the fake on a free port. */
export async function startFakeSlackApi(
  opts: {
    team?: string;
    users?: FakeUser[];
    /** Pace calls as Slack's rate-limit tiers do (off by default). */
    tiers?: TierOptions | boolean;
    /** Channel members for `conversations.members` (channel id → user ids). */
    members?: Record<string, string[]>;
    /** Answer this fraction of Web API calls (evenly spread, e.g. 0.2 = every fifth) with 429 and `Retry-After: retryAfter` s (off by default). */
    shed?: { fraction: number; retryAfter: number };
  } = {},
): Promise<FakeSlackApi> {
  const team = opts.team ?? 'T0TEAM';
  const users = opts.users ?? [];
  const calls: SlackCall[] = [];
  const limited = new Map<string, { seconds: number; skip: number }>();
  const limitedCalls: SlackCall[] = [];
  let ts = 1_700_000_000;
  const nextTs = () => `${++ts}.000100`;
  const files: FakeFile[] = [];
  // Every posted message by ts, and each channel's messages oldest first.
  const posted = new Map<string, FakeMessage>();
  const channels = new Map<string, FakeMessage[]>();
  let tapped: ((call: SlackCall) => void) | null = null;
  const grants = new Map<string, FakeGrant>();
  const byToken = new Map<string, FakeGrant>();
  let base = '';
  const tierLimit = opts.tiers ? tierLimiter(opts.tiers === true ? {} : opts.tiers) : null;
  const tierLimited = new Map<string, number>();
  let apiCalls = 0;
  const shedding = (method: string): number | null => {
    if (!opts.shed || method === 'response_url' || method === 'file.upload') return null;
    const n = apiCalls++;
    const f = opts.shed.fraction;
    return Math.floor((n + 1) * f) > Math.floor(n * f) ? opts.shed.retryAfter : null;
  };

  const store = (m: FakeMessage) => {
    posted.set(m.ts, m);
    const list = channels.get(m.channel) ?? [];
    list.push(m);
    channels.set(m.channel, list);
    if (m.thread_ts) {
      const parent = posted.get(m.thread_ts);
      if (parent && parent.channel === m.channel) parent.thread_ts = parent.ts;
    }
  };

  const answer = (method: string, p: Record<string, unknown>, auth: string | undefined): Record<string, unknown> => {
    switch (method) {
      case 'auth.test': {
        const g = byToken.get((auth ?? '').replace(/^Bearer /, ''));
        if (g) {
          const t = g.team ?? { id: '', name: g.enterprise?.name ?? '' };
          return { ok: true, url: `https://${t.name.toLowerCase() || 'org'}.slack.com/`, team: t.name, user: 'aimsbot', team_id: t.id, user_id: g.botUserId ?? 'U0BOT', bot_id: `B${g.botToken.slice(-6)}`, ...(g.enterprise ? { enterprise_id: g.enterprise.id } : {}), is_enterprise_install: !!g.isEnterpriseInstall };
        }
        return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'aimsbot', team_id: team, user_id: 'U0BOT', bot_id: 'B0BOT' };
      }
      case 'oauth.v2.access': {
        if (p.grant_type === 'refresh_token') {
          // Token rotation: a new bot token and refresh token for the installation's refresh token.
          const old = [...byToken.values()].find((x) => x.refreshToken && x.refreshToken === p.refresh_token);
          if (!old) return { ok: false, error: 'invalid_refresh_token' };
          const next: FakeGrant = { ...old, botToken: `${old.botToken}-r`, refreshToken: `${old.refreshToken}-r` };
          byToken.set(next.botToken, next);
          return { ok: true, app_id: 'A0AIMS', token_type: 'bot', access_token: next.botToken, refresh_token: next.refreshToken, expires_in: 43_200, scope: 'commands,chat:write', bot_user_id: next.botUserId ?? 'U0BOT', team: next.team ?? null, enterprise: next.enterprise ?? null };
        }
        const g = grants.get(String(p.code));
        if (!g) return { ok: false, error: 'invalid_code' };
        grants.delete(g.code);
        return {
          ok: true,
          app_id: 'A0AIMS',
          authed_user: { id: g.userId ?? 'U0INSTALLER', ...(g.userToken ? { scope: 'identify', access_token: g.userToken, token_type: 'user' } : {}) },
          scope: 'commands,chat:write,chat:write.public,im:write,users:read,users:read.email',
          token_type: 'bot',
          access_token: g.botToken,
          bot_user_id: g.botUserId ?? 'U0BOT',
          team: g.team ?? null,
          enterprise: g.enterprise ?? null,
          is_enterprise_install: !!g.isEnterpriseInstall,
          ...(g.refreshToken ? { refresh_token: g.refreshToken, expires_in: g.expiresIn ?? 43_200 } : {}),
        };
      }
      case 'chat.postMessage': {
        const at = nextTs();
        // A user id as the channel posts in the bot's DM with that user, as Slack does.
        const channel = /^[UW][A-Z0-9]+$/.test(String(p.channel)) ? `D${String(p.channel)}` : String(p.channel);
        const m: FakeMessage = { type: 'message', ts: at, channel, user: 'U0BOT', bot_id: 'B0BOT', app_id: 'A0AIMS', text: String(p.text ?? '') };
        if (p.blocks !== undefined) m.blocks = p.blocks;
        if (typeof p.thread_ts === 'string') m.thread_ts = p.thread_ts;
        const meta = metadataOf(p.metadata);
        if (meta) m.metadata = meta;
        store(m);
        return { ok: true, channel, ts: at, message: withoutChannel(m, true) };
      }
      case 'chat.getPermalink': {
        const m = posted.get(String(p.message_ts));
        if (!m || m.channel !== p.channel) return { ok: false, error: 'message_not_found' };
        const link = `https://acme.slack.com/archives/${m.channel}/p${String(p.message_ts).replace('.', '')}`;
        const threadTs = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : undefined;
        return { ok: true, channel: m.channel, permalink: threadTs ? `${link}?thread_ts=${threadTs}&cid=${m.channel}` : link };
      }
      case 'conversations.history': {
        const all = channels.get(String(p.channel)) ?? [];
        // Top-level messages only (thread parents included), newest first.
        const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts).reverse();
        return page(inRange(top, p), p, 100);
      }
      case 'conversations.replies': {
        const parent = posted.get(String(p.ts));
        if (!parent || parent.channel !== String(p.channel)) return { ok: false, error: 'thread_not_found' };
        const root = parent.thread_ts ?? parent.ts;
        const thread = (channels.get(parent.channel) ?? []).filter((m) => m.ts === root || m.thread_ts === root);
        return page(inRange(thread, p), p, 1000);
      }
      case 'files.getUploadURLExternal': {
        const id = `F${String(files.length + 1).padStart(6, '0')}`;
        files.push({ id, filename: String(p.filename), length: Number(p.length), bytes: null, shared: null });
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = Array.isArray(p.files) ? (p.files as Array<{ id: string; title?: string }>) : [];
        const out = [];
        for (const f of list) {
          const file = files.find((x) => x.id === f.id);
          if (!file || !file.bytes) return { ok: false, error: 'file_not_found' };
          const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
          file.shared = { channelId: str(p.channel_id), threadTs: str(p.thread_ts), title: f.title, initialComment: str(p.initial_comment) };
          out.push({ id: file.id, name: file.filename, title: f.title });
        }
        // Sharing posts a message with the files (in the thread, when one is given).
        const channel = typeof p.channel_id === 'string' ? p.channel_id : undefined;
        if (channel && out.length > 0) {
          const m: FakeMessage = { type: 'message', ts: nextTs(), channel, user: 'U0BOT', bot_id: 'B0BOT', app_id: 'A0AIMS', text: String(p.initial_comment ?? '') };
          if (typeof p.thread_ts === 'string') m.thread_ts = p.thread_ts;
          m.files = out.map((f) => ({ id: f.id, name: f.name, title: f.title }));
          store(m);
        }
        return { ok: true, files: out };
      }
      case 'chat.update': {
        // Messages the fake never saw (tests that made up a ts) are answered as before.
        const m = posted.get(String(p.ts));
        if (m && m.channel === p.channel) {
          if (typeof p.text === 'string') m.text = p.text;
          if (p.blocks !== undefined) m.blocks = p.blocks;
          // Metadata is replaced only when the update carries some.
          const meta = metadataOf(p.metadata);
          if (meta) m.metadata = meta;
        }
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      }
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
        return { ok: true, user: { id: u.id, name: u.name.toLowerCase(), real_name: u.name, deleted: u.deleted ?? false, is_bot: u.isBot ?? false, profile: { display_name: u.name, email: u.email } } };
      }
      case 'users.lookupByEmail': {
        const u = users.find((x) => x.email && x.email.toLowerCase() === String(p.email).toLowerCase());
        return u ? { ok: true, user: { id: u.id, name: u.name, deleted: u.deleted ?? false, is_bot: u.isBot ?? false } } : { ok: false, error: 'users_not_found' };
      }
      case 'users.list': {
        // Pages of `limit` by an opaque cursor, as Slack documents; flags as Slack sends them.
        const limit = Math.max(1, Number(p.limit ?? 200));
        const start = p.cursor ? Number(Buffer.from(String(p.cursor), 'base64').toString('utf8').replace('user:', '')) : 0;
        const page = users.slice(start, start + limit);
        const next = start + limit < users.length ? Buffer.from(`user:${start + limit}`).toString('base64') : '';
        return {
          ok: true,
          members: page.map((u) => ({ id: u.id, team_id: team, name: u.name.toLowerCase(), real_name: u.name, deleted: u.deleted ?? false, is_bot: u.isBot ?? false, profile: { display_name: u.name, email: u.email } })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'conversations.members': {
        const list = opts.members?.[String(p.channel)];
        return list ? { ok: true, members: list, response_metadata: { next_cursor: '' } } : { ok: false, error: 'channel_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const text = raw.toString('utf8');
    const url = req.url ?? '/';
    const isResponseUrl = url.startsWith('/response/');
    const upload = /^\/upload\/(F\w+)$/.exec(url);
    const method = isResponseUrl ? 'response_url' : upload ? 'file.upload' : url.replace(/^\/api\//, '').split('?')[0]!;
    const contentType = req.headers['content-type'] ?? '';
    const json = contentType.includes('json');
    const params = upload ? { file_id: upload[1] } : text ? (json ? (JSON.parse(text) as Record<string, unknown>) : parseForm(text)) : {};
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
    const retryAfter = tierLimit?.(method, call.auth, params) ?? shedding(method);
    if (retryAfter !== null) {
      limitedCalls.push(call);
      tierLimited.set(method, (tierLimited.get(method) ?? 0) + 1);
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    calls.push(call);
    tapped?.(call);
    if (upload) {
      const file = files.find((f) => f.id === upload[1]);
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      file.bytes = await uploadedBytes(raw, contentType);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${file.bytes.length}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(isResponseUrl ? { ok: true } : answer(method, params, call.auth)));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    grant: (g) => {
      grants.set(g.code, g);
      byToken.set(g.botToken, g);
    },
    apiUrl: `${base}/api/`,
    responseBase: `${base}/response`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    rateLimitOnce: (method, seconds, skip = 0) => void limited.set(method, { seconds, skip }),
    limitedCalls,
    tierLimited,
    files,
    messages: (channel) => [...(channels.get(channel) ?? [])],
    messagesSince: (channel, from) => (channels.get(channel) ?? []).slice(from),
    tap: (fn) => void (tapped = fn),
    reset: () => {
      calls.length = 0;
      limitedCalls.length = 0;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Message metadata as Slack keeps it: an `event_type` and an `event_payload` object, else none. */
function metadataOf(v: unknown): FakeMessage['metadata'] | undefined {
  const m = typeof v === 'string' ? safeJson(v) : v;
  if (!m || typeof m !== 'object') return undefined;
  const { event_type, event_payload } = m as { event_type?: unknown; event_payload?: unknown };
  if (typeof event_type !== 'string' || !event_payload || typeof event_payload !== 'object') return undefined;
  return { event_type, event_payload: event_payload as Record<string, unknown> };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Form fields arrive as text: `true`, `1`. */
const truthy = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

/** A message as the read methods return it: no `channel`, and `metadata` only when asked for. */
function withoutChannel(m: FakeMessage, withMetadata: boolean): Record<string, unknown> {
  const { channel: _channel, metadata, ...rest } = m;
  return withMetadata && metadata ? { ...rest, metadata } : rest;
}

/** `oldest` and `latest` bound the range; equal timestamps count only with `inclusive`. */
function inRange(list: FakeMessage[], p: Record<string, unknown>): FakeMessage[] {
  const inclusive = truthy(p.inclusive);
  const oldest = p.oldest !== undefined ? Number(p.oldest) : undefined;
  const latest = p.latest !== undefined ? Number(p.latest) : undefined;
  return list.filter((m) => {
    const t = Number(m.ts);
    if (oldest !== undefined && (inclusive ? t < oldest : t <= oldest)) return false;
    if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
    return true;
  });
}

/** One page of `list` from `cursor` (an offset the fake encodes), `limit` long. */
function page(list: FakeMessage[], p: Record<string, unknown>, defaultLimit: number): Record<string, unknown> {
  const limit = Math.max(1, Math.min(Number(p.limit ?? defaultLimit) || defaultLimit, 1000));
  const start = typeof p.cursor === 'string' && p.cursor ? Number(Buffer.from(p.cursor, 'base64').toString('utf8').replace(/^offset:/, '')) || 0 : 0;
  const slice = list.slice(start, start + limit);
  const more = start + limit < list.length;
  const withMetadata = truthy(p.include_all_metadata);
  return {
    ok: true,
    messages: slice.map((m) => withoutChannel(m, withMetadata)),
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
  };
}

/** The file's bytes from an upload body: a multipart form's file part, or the raw body. */
async function uploadedBytes(raw: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}
