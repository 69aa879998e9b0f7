/**
 * `/metrics` behind METRICS_TOKEN (bearer, 401 otherwise) and METRICS_PORT (a listener of its
 * own on 127.0.0.1, and nothing on the main port), built from the configuration as `serve` does.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createHttpApp } from '../../src/http-server';
import { bearerMatches, listenMetrics } from '../../src/metrics-endpoint';

const TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

/** A port free right now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts the HTTP app configured from `env`, as `serve` builds it. */
async function start(env: Record<string, string>) {
  const config = loadConfig({ PORT: '0', ...env });
  const http = createHttpApp({ metrics: config.metrics });
  const listening = await http.listen(0, '127.0.0.1');
  closers.push(listening.close);
  return { ...listening, get: (port: number, path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers }) };
}

describe('/metrics access', () => {
  it('is open on the main port when neither variable is set (as before)', async () => {
    const s = await start({});
    const r = await s.get(s.port, '/metrics');
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/process_cpu_seconds_total/);
    expect(s.metricsPort).toBeUndefined();
  });

  it('with METRICS_TOKEN, needs the bearer token and answers 401 otherwise', async () => {
    const s = await start({ METRICS_TOKEN: TOKEN });
    const refused: Record<string, Record<string, string>> = {
      'no header': {},
      'a wrong token': { authorization: 'Bearer f0e1d2c3b4a5968778695a4b3c2d1e0e' },
      'a prefix of the token': { authorization: `Bearer ${TOKEN.slice(0, 16)}` },
      'the token and more': { authorization: `Bearer ${TOKEN}x` },
      'the token as basic credentials': { authorization: `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}` },
      'the token without a scheme': { authorization: TOKEN },
      'an empty bearer': { authorization: 'Bearer ' },
    };
    for (const [name, headers] of Object.entries(refused)) {
      const r = await s.get(s.port, '/metrics', headers);
      expect(r.status, name).toBe(401);
      expect(r.headers.get('www-authenticate'), name).toBe('Bearer realm="metrics"');
      expect(await r.text(), name).not.toMatch(/process_cpu|aimsbot_/);
    }
    const ok = await s.get(s.port, '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/aimsbot_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="401"\} 7/);
    // Health stays open for load balancers.
    expect((await s.get(s.port, '/healthz')).status).toBe(200);
  });

  it('with METRICS_PORT, serves /metrics only on a loopback listener of its own', async () => {
    const port = await freePort();
    const s = await start({ METRICS_PORT: String(port) });
    expect(s.metricsPort).toBe(port);
    expect((await s.get(s.port, '/metrics')).status).toBe(404);
    const side = await s.get(port, '/metrics');
    expect(side.status).toBe(200);
    expect(await side.text()).toMatch(/process_cpu_seconds_total/);
    // Only /metrics there.
    expect((await s.get(port, '/healthz')).status).toBe(404);
    await s.close();
    closers.pop();
    // Closing the app closes both listeners.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('with both, the loopback listener needs the token too', async () => {
    const port = await freePort();
    const s = await start({ METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    expect((await s.get(port, '/metrics')).status).toBe(401);
    expect((await s.get(port, '/metrics', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('binds the metrics listener to 127.0.0.1 only', async () => {
    const listener = await listenMetrics((_req, res) => void res.end(), 0);
    try {
      expect((listener.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await listener.close();
    }
  });

  it('matches only the exact bearer token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer', TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
  });
});
