/** The shared HTTP server: health, readiness and Prometheus metrics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http-server';

describe('HTTP server', () => {
  const http = createHttpApp();
  let database = true;
  http.addReadiness('database', async () => database);
  let base = '';
  let close: () => Promise<void>;
  beforeAll(async () => {
    const l = await http.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${l.port}`;
    close = l.close;
  });
  afterAll(async () => close?.());

  it('answers /healthz while the process is up', async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('answers /readyz 200 when every check passes and 503 naming the one that fails', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    database = false;
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ok: false, checks: { database: false } });
    database = true;
  });

  it('exposes request and delivery counters in Prometheus text', async () => {
    http.dispatcherHooks.onDelivery?.('approval.requested', 'slack', 'retry');
    http.dispatcherHooks.onDelivery?.('approval.requested', 'slack', 'sent');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/aimsbot_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(text).toMatch(/aimsbot_http_request_duration_seconds_count\{method="GET",route="\/readyz",status="503"\} 1/);
    expect(text).toMatch(/aimsbot_notifications_total\{kind="approval.requested",platform="slack",outcome="retry"\} 1/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });

  it('answers an unknown path with 404, counted under "other"', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/route="other",status="404"\} 1/);
  });
});
