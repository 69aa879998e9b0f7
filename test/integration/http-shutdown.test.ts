/**
 * Closing the HTTP server (SIGTERM to `serve`): requests in flight are answered, their
 * keep-alive connections end with them instead of lingering for the client's keep-alive timeout,
 * and nothing new is accepted.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http-server';

/** GET over a keep-alive agent; resolves with the status and the Connection header, or the error code. */
function get(port: number, path: string, agent: http.Agent): Promise<{ status?: number; connection?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code }));
  });
}

describe('HTTP server shutdown', () => {
  it('answers the requests in flight, ends their connections and closes at once', async () => {
    const app = createHttpApp();
    app.app.get('/slow', (_req, res) => void setTimeout(() => res.json({ done: true }), 300));
    const listening = await app.listen(0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // Two connections kept alive: one idle, one with a request in flight when the close begins.
      expect((await get(listening.port, '/healthz', agent)).status).toBe(200);
      const inFlight = get(listening.port, '/slow', agent);
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const closed = listening.close();
      const answer = await inFlight;
      expect(answer).toEqual({ status: 200, connection: 'close' });
      await closed;
      // Well under Node's 5 s keep-alive timeout that a lingering connection would cost.
      expect(Date.now() - started).toBeLessThan(1500);
      expect((await get(listening.port, '/healthz', agent)).error).toBe('ECONNREFUSED');
    } finally {
      agent.destroy();
    }
  });
});
