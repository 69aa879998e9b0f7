/**
 * A local fake of the Bot Connector service, enough for botbuilder's outgoing calls: replies and
 * proactive sends, updates in place, new conversations and member look-ups. Every call is
 * recorded; `throttleNext` answers the next matching calls with 429 and a Retry-After.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded call. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string | null;
  activityId: string | null;
  body: Record<string, unknown> | null;
  /** The status the fake answered. */
  status: number;
  /** The id the fake gave a new activity (POST …/activities). */
  answeredId?: string;
}

/** A member the fake knows (GET …/members/{id}). */
export interface FakeMember {
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
}

/** The running fake. */
export interface FakeBotConnector {
  url: string;
  calls: ConnectorCall[];
  members: Map<string, FakeMember>;
  /** Adds a member, findable by id, AAD object id, email and UPN. */
  addMember(m: FakeMember): void;
  /** Answers the next `count` calls whose method and path match with 429 and Retry-After `seconds`. */
  throttleNext(method: string, pathPattern: RegExp, count?: number, seconds?: number): void;
  /** Successful sends (POST …/activities) to a conversation, or all. */
  sent(conversationId?: string): ConnectorCall[];
  /** Successful updates (PUT …/activities/{id}). */
  updates(conversationId?: string): ConnectorCall[];
  /** Calls `fn` with each successful call before it is answered, e.g. to inject a fault. */
  tap(fn: ((call: ConnectorCall) => void) | null): void;
  reset(): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Starts the fake on a free port. */
export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, FakeMember>();
  const throttles: Array<{ method: string; pattern: RegExp; count: number; seconds: number }> = [];
  let nextId = 1;
  let tapped: ((call: ConnectorCall) => void) | null = null;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readJson(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      const method = req.method ?? 'GET';
      const m = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members|pagedmembers)(?:\/([^/]+))?)?$/.exec(url.pathname);
      const conversationId = m?.[1] ? decodeURIComponent(m[1]) : null;
      const sub = m?.[2] ?? null;
      const item = m?.[3] ? decodeURIComponent(m[3]) : null;
      const record = (status: number, answeredId?: string) => {
        const call: ConnectorCall = { method, path, conversationId, activityId: sub === 'activities' ? item : null, body, status, ...(answeredId ? { answeredId } : {}) };
        calls.push(call);
        if (status < 300) tapped?.(call);
      };

      const throttle = throttles.find((t) => t.count > 0 && t.method === method && t.pattern.test(path));
      if (throttle) {
        throttle.count -= 1;
        record(429);
        return send(res, 429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': String(throttle.seconds) });
      }
      if (method === 'POST' && path === '/v3/conversations') {
        record(201);
        return send(res, 201, { id: `a:new-conversation-${nextId++}`, activityId: `act-${nextId++}` });
      }
      if (method === 'POST' && sub === 'activities') {
        const id = `act-${nextId++}`;
        record(201, id);
        return send(res, 201, { id });
      }
      if (method === 'PUT' && sub === 'activities' && item) {
        record(200);
        return send(res, 200, { id: item });
      }
      if (method === 'GET' && sub === 'members' && item) {
        const member = members.get(item.toLowerCase());
        record(member ? 200 : 404);
        if (!member) return send(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
        return send(res, 200, { ...member, objectId: member.aadObjectId, givenName: member.name, surname: '', tenantId: 'tenant' });
      }
      if (method === 'GET' && sub === 'pagedmembers' && !item) {
        // The roster of the conversation's team: every member the fake knows, once each.
        record(200);
        const roster = [...new Map([...members.values()].map((mem) => [mem.aadObjectId, mem])).values()];
        return send(res, 200, { members: roster.map((mem) => ({ ...mem, objectId: mem.aadObjectId, tenantId: 'tenant' })) });
      }
      record(404);
      send(res, 404, { error: { code: 'NotFound', message: `${method} ${path}` } });
    })().catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    addMember: (mem) => {
      for (const key of [mem.id, mem.aadObjectId, mem.email, mem.userPrincipalName]) if (key) members.set(key.toLowerCase(), mem);
    },
    throttleNext: (method, pattern, count = 1, seconds = 0) => void throttles.push({ method, pattern, count, seconds }),
    sent: (conv) => calls.filter((c) => c.method === 'POST' && c.status < 300 && c.path.includes('/activities') && (!conv || c.conversationId === conv)),
    updates: (conv) => calls.filter((c) => c.method === 'PUT' && c.status < 300 && (!conv || c.conversationId === conv)),
    tap: (fn) => void (tapped = fn),
    reset: () => void calls.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
