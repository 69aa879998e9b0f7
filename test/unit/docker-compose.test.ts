/**
 * docker-compose.yml lays out production as docs/deployment.md describes it: two `serve`
 * replicas and a `worker` on one Postgres and one Redis, after `migrate`. There is no Compose
 * engine here, so the file is read as YAML and checked for what `docker compose config` would
 * refuse or what would break the layout (unknown services, a fixed host port or container name
 * on a replicated service, anchors that do not resolve).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  container_name?: string;
  stop_grace_period?: string;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const replicas = (s: Service) => s.deploy?.replicas ?? 1;
/** Seconds of a Compose duration such as `15s` or `1m30s`. */
const seconds = (d: string) => [...d.matchAll(/(\d+)(m|s)/g)].reduce((t, [, n, u]) => t + Number(n) * (u === 'm' ? 60 : 1), 0);

describe('docker-compose.yml', () => {
  it('runs two serve replicas and a worker after the migrations', () => {
    const serve = Object.values(services).filter((s) => s.command?.[0] === 'serve');
    const worker = Object.values(services).filter((s) => s.command?.[0] === 'worker');
    expect(serve).toHaveLength(1);
    expect(replicas(serve[0]!)).toBe(2);
    expect(worker).toHaveLength(1);
    expect(replicas(worker[0]!)).toBeGreaterThanOrEqual(1);
    for (const s of [...serve, ...worker]) {
      expect(s.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(s.environment?.DATABASE_URL).toBe(services.migrate!.environment!.DATABASE_URL);
      expect(s.environment?.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
      // The graceful shutdown (up to 5 s for acknowledged work, 5 s for the database) fits.
      expect(seconds(s.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(12);
    }
  });

  it('holds nothing Compose refuses for replicated services or unknown references', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image ?? s.build, `${name} has an image or a build`).toBeDefined();
      for (const dep of Object.keys(s.depends_on ?? {})) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
      if (replicas(s) < 2) continue;
      expect(s.container_name, `${name} is replicated, so it cannot have a fixed container name`).toBeUndefined();
      for (const p of s.ports ?? []) {
        // A published host port must be a range with one port per replica.
        const m = /^(?:[\d.]+:)?(\d+)-(\d+):\d+$/.exec(p);
        expect(m, `${name} publishes ${p}: one host port for ${replicas(s)} replicas`).not.toBeNull();
        expect(Number(m![2]) - Number(m![1]) + 1).toBeGreaterThanOrEqual(replicas(s));
      }
    }
  });
});
