/**
 * The HTTP transport of the Slack Web API client: Node's own HTTP client with kept-alive
 * connections, given to `WebClient` as its `fetch`. The client posts every method call as a
 * form-encoded string and reads back the status, a few headers and the text of the answer; the
 * WHATWG `fetch` it uses by default builds body streams, an abort controller and a cloned request
 * for each call, several times the CPU of the post itself, which showed as the largest single cost
 * of delivering an outbox wave. The request and the answer are the same: the same method, headers
 * and body; redirects are not followed (the client asks `fetch` for `redirect: 'error'`, and a 3xx
 * is then an HTTP error as any status other than 200 and 429); an abort signal ends the request.
 * Anything else (a file upload's form data, a `Request`, `Headers`) goes through the global `fetch`.
 * A post on a kept connection that the server had just closed is sent once more on a new one,
 * as Node's documentation advises (the server never read it).
 */
import http from 'node:http';
import https from 'node:https';

/** What the Web API client reads of an answer. */
interface SlimResponse {
  status: number;
  statusText: string;
  url: string;
  ok: boolean;
  headers: Headers;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Options of `createWebApiFetch`. */
export interface WebApiFetchOptions {
  /** How long an idle connection is kept (ms). Default 4 000. */
  idleMs?: number;
  /** Connections per host at most. Default 64. */
  maxSockets?: number;
}

/** A `fetch` for `WebClientOptions.fetch`. */
export function createWebApiFetch(o: WebApiFetchOptions = {}): typeof fetch {
  const idleMs = o.idleMs ?? 4_000;
  const maxSockets = o.maxSockets ?? 64;
  const agents = {
    'http:': { mod: http, agent: new http.Agent({ keepAlive: true, timeout: idleMs, maxSockets }) },
    'https:': { mod: https, agent: new https.Agent({ keepAlive: true, timeout: idleMs, maxSockets }) },
  };

  const once = (target: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<SlimResponse> =>
    new Promise<SlimResponse>((resolve, reject) => {
      const via = agents[target.protocol as keyof typeof agents];
      const req = via.mod.request(target, { method, agent: via.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const bytes = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          resolve({
            status,
            statusText: res.statusMessage ?? '',
            url: target.href,
            ok: status >= 200 && status < 300,
            headers: headersOf(res.headers),
            text: () => Promise.resolve(bytes.toString('utf8')),
            json: () => Promise.resolve(JSON.parse(bytes.toString('utf8')) as unknown),
            arrayBuffer: () => Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
          });
        });
      });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('the request was aborted'));
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.once('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });

  const slim = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init.body;
    const plain =
      target.protocol in agents &&
      (typeof input === 'string' || input instanceof URL) &&
      (body === undefined || body === null || typeof body === 'string') &&
      (init.headers === undefined || (typeof init.headers === 'object' && !(init.headers instanceof Headers) && !Array.isArray(init.headers)));
    if (!plain) return globalThis.fetch(input, init);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string | undefined>)) if (v !== undefined) headers[k.toLowerCase()] = String(v);
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
    const method = init.method ?? 'GET';
    const signal = init.signal ?? undefined;
    try {
      return (await once(target, method, headers, body ?? undefined, signal)) as unknown as Response;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
      if (e.reusedSocket && e.code === 'ECONNRESET' && !signal?.aborted) return (await once(target, method, headers, body ?? undefined, signal)) as unknown as Response;
      // As `fetch` reports a network failure: a TypeError with the cause.
      throw new TypeError('fetch failed', { cause: err });
    }
  };
  return slim as typeof fetch;
}

/**
 * The answer's headers, read as the client reads them (`get`, `has`, `entries`): names in lower
 * case, repeated ones joined as Node joins them.
 */
function headersOf(raw: http.IncomingHttpHeaders): Headers {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) m.set(k, Array.isArray(v) ? v.join(', ') : v);
  const slimHeaders = {
    get: (name: string) => m.get(name.toLowerCase()) ?? null,
    has: (name: string) => m.has(name.toLowerCase()),
    entries: () => m.entries(),
    keys: () => m.keys(),
    values: () => m.values(),
    forEach: (fn: (value: string, key: string) => void) => m.forEach((v, k) => fn(v, k)),
    [Symbol.iterator]: () => m.entries(),
  };
  return slimHeaders as unknown as Headers;
}
