/** Application metrics on the Prometheus registry served at `GET /metrics`. */
import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DispatcherHooks } from './dispatcher';

/** The counters the HTTP server and the dispatcher feed. */
export interface AppMetrics {
  /** Express middleware counting requests and their duration by route and status. */
  http: RequestHandler;
  /** Dispatcher hooks counting deliveries by kind, platform and outcome. */
  dispatcher: DispatcherHooks;
}

/** Registers the application metrics. */
export function createAppMetrics(registry: Registry): AppMetrics {
  const requests = new Histogram({
    name: 'aimsbot_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'aimsbot_notifications_total',
    help: 'Notification delivery attempts by kind, platform and outcome (sent, retry, failed)',
    labelNames: ['kind', 'platform', 'outcome'],
    registers: [registry],
  });
  return {
    http: (req, res, next) => {
      const end = requests.startTimer();
      res.on('finish', () => {
        // Known routes only, so the label set stays small whatever paths clients try.
        const route = ['/slack/events', '/api/messages', '/healthz', '/readyz', '/metrics'].includes(req.path) ? req.path : 'other';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    dispatcher: {
      onDelivery: (kind, platform, outcome) => deliveries.inc({ kind, platform, outcome }),
    },
  };
}
