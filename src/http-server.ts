/**
 * The one HTTP server: Slack (`POST /slack/events`), Teams (`POST /api/messages`), health
 * (`GET /healthz`, `GET /readyz`) and metrics (`GET /metrics`, or on a loopback port of its own;
 * see metrics-endpoint.ts). Adapters mount their routes on the express app; this file knows
 * nothing about them.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DispatcherHooks } from './dispatcher';
import { createAppMetrics } from './metrics';
import type { MetricsAccess } from './metrics-endpoint';
import { listenMetrics, metricsHandler } from './metrics-endpoint';

/** What `/readyz` checks. Each returns true when reachable. */
export type ReadinessCheck = () => Promise<boolean>;

/** The HTTP app before it listens. */
export interface HttpApp {
  app: Express;
  metrics: Registry;
  /** Hooks for the dispatcher, counting deliveries on this registry. */
  dispatcherHooks: DispatcherHooks;
  /** Adds a named readiness check (database, queue). */
  addReadiness(name: string, check: ReadinessCheck): void;
  /**
   * Listens on `host:port`, and on 127.0.0.1:`metrics.port` when one is set (`metricsPort`).
   * `close()` stops accepting connections, lets the requests in flight finish (their responses
   * end their connections) and resolves once every connection is gone.
   */
  listen(port: number, host: string): Promise<{ server: Server; port: number; metricsPort?: number; close(): Promise<void> }>;
}

/** Options of `createHttpApp`. */
export interface HttpAppOptions {
  /** Protection of `/metrics` (METRICS_TOKEN, METRICS_PORT). Default: open, on the main port. */
  metrics?: MetricsAccess;
}

/** Builds the app with health and metrics routes. */
export function createHttpApp(options: HttpAppOptions = {}): HttpApp {
  const app = express();
  app.disable('x-powered-by');
  // Responses still to be written; once the server is closing they end their connection, so a
  // client does not send the next request on a connection that is about to go.
  const unanswered = new Set<ServerResponse>();
  let closing = false;
  app.use((_req, res, next) => {
    if (closing) res.setHeader('connection', 'close');
    else {
      unanswered.add(res);
      res.on('close', () => unanswered.delete(res));
    }
    next();
  });
  const stopKeepAlive = () => {
    closing = true;
    for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
  };
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const checks = new Map<string, ReadinessCheck>();
  const appMetrics = createAppMetrics(metrics);
  app.use(appMetrics.http);

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const results: Record<string, boolean> = {};
    for (const [name, check] of checks) {
      results[name] = await check().catch(() => false);
    }
    const ok = Object.values(results).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, checks: results });
  });
  const metricsPort = options.metrics?.port;
  const serveMetrics = metricsHandler(metrics, options.metrics?.token);
  if (metricsPort === undefined) app.get('/metrics', serveMetrics);

  return {
    app,
    metrics,
    dispatcherHooks: appMetrics.dispatcher,
    addReadiness: (name, check) => void checks.set(name, check),
    listen: async (port, host) => {
      const main = await new Promise<{ server: Server; port: number; close(): Promise<void> }>((resolve, reject) => {
        const server = app.listen(port, host, (err?: Error) => {
          if (err) return reject(err);
          resolve({
            server,
            port: (server.address() as AddressInfo).port,
            close: () => {
              stopKeepAlive();
              return closeServer(server);
            },
          });
        });
      });
      if (metricsPort === undefined) return main;
      const side = await listenMetrics(serveMetrics, metricsPort).catch(async (err: unknown) => {
        await main.close();
        throw err;
      });
      return { ...main, metricsPort: side.port, close: async () => void (await Promise.all([main.close(), side.close()])) };
    },
  };
}

/**
 * Stops accepting connections and resolves once every open one is gone. Keep-alive connections
 * are closed as soon as they fall idle (a response in flight finishes first), so a shutdown does
 * not wait for clients' keep-alive timeouts.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((done) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(sweep);
      done();
    });
    server.closeIdleConnections();
  });
}
