/**
 * Who may read `GET /metrics`. The metrics name routes, queues and delivery outcomes, so they are
 * not for anyone who can reach the port: with `METRICS_TOKEN` a request needs
 * `Authorization: Bearer <token>` (compared in constant time), and with `METRICS_PORT` the route
 * is served only by a second listener bound to 127.0.0.1 (for a scraper on the same host or pod).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';

/** How `/metrics` is protected (from METRICS_TOKEN and METRICS_PORT). */
export interface MetricsAccess {
  /** Bearer token a request must carry; unset: none needed. */
  token?: string | undefined;
  /** Port of a loopback-only listener that alone serves `/metrics`; unset: the main listener serves it. 0 picks a free port (tests). */
  port?: number | undefined;
}

/** Whether an Authorization header carries `token` as a bearer token. Constant time in the token's content. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer +(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  // Digests have one length, so neither the comparison nor an early length check reveals the token.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The `/metrics` handler: Prometheus text, behind the bearer token when one is set. */
export function metricsHandler(registry: Registry, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: 'unauthorized: /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      return;
    }
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  };
}

/** A listening metrics server. */
export interface MetricsListener {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves only `GET /metrics` on 127.0.0.1:`port`. */
export function listenMetrics(handler: RequestHandler, port: number): Promise<MetricsListener> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', handler);
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', (err?: Error) => {
      if (err) return reject(err);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
