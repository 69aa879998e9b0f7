/**
 * What the benchmark scenarios share: fresh Postgres databases (and copies of a seeded one),
 * child processes (`aimsbot serve`, baselines, job runners) with their memory read from /proc,
 * a sink that records when each response URL is called, and the shape of a scenario's result.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { ADMIN_URL } from '../test/helpers/db';
import { SIGNING_SECRET } from '../test/helpers/slack-requests';
import { TEST_POLICY } from '../test/helpers/slack-server';
import type { Row, Target } from './stats';

/** Options every scenario gets. */
export interface BenchOptions {
  /** Small sizes and short loads, so the whole bench runs in about two minutes. */
  quick: boolean;
  /** How many interleaved repetitions (3). */
  reps: number;
}

/** What a scenario reports: its table rows, its targets, and notes (failures, checks). */
export interface ScenarioResult {
  rows: Row[];
  targets: Target[];
  notes: string[];
}

/** A named scenario. */
export interface Scenario {
  name: string;
  /** One line: what it compares. */
  title: string;
  run(o: BenchOptions): Promise<ScenarioResult>;
}

/** Milliseconds since `t0` (performance clock). */
export const since = (t0: number) => performance.now() - t0;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URL of a database on the admin server. */
export function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** An admin connection for creating, copying and dropping bench databases. */
export function admin() {
  return postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
}

/** A new database name. */
export function dbName(tag: string): string {
  return `aims_bench_${tag}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
}

/** Copies a database (which must have no open connections) and returns the copy's name. */
export async function copyDatabase(sql: postgres.Sql, template: string, tag: string): Promise<string> {
  const name = dbName(tag);
  await sql.unsafe(`create database ${name} template ${template}`);
  return name;
}

export async function dropDatabase(sql: postgres.Sql, name: string): Promise<void> {
  await sql.unsafe(`drop database if exists ${name} with (force)`);
}

/** Resident and peak resident memory of a live process, in MiB (Linux /proc). */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return { rssMiB: Number.NaN, peakMiB: Number.NaN };
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A running child process with an HTTP port. */
export interface Child {
  proc: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 of the ready path. */
  startMs: number;
  output(): string;
  stop(): Promise<void>;
}

// One process (no tsx launcher in between), so /proc and resourceUsage() see the real one.
const TSX = ['--max-old-space-size=4096', '--import', 'tsx'];

/** Spawns `node tsx <args>` (or `node <nodeArgs> <args>`) and waits until `GET <readyPath>` answers 200. */
export async function spawnHttp(args: string[], env: NodeJS.ProcessEnv, port: number, readyPath: string, timeoutMs = 60_000, nodeArgs = TSX): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  proc.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  let alive = true;
  void exited.then(() => (alive = false));
  for (;;) {
    if (!alive) throw new Error(`${args.join(' ')} exited before it was ready:\n${out}`);
    if (since(t0) > timeoutMs) {
      proc.kill('SIGKILL');
      throw new Error(`${args.join(' ')} not ready within ${timeoutMs} ms:\n${out}`);
    }
    const ok = await fetch(`${url}${readyPath}`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(10);
  }
  const startMs = since(t0);
  return {
    proc,
    url,
    startMs,
    output: () => out,
    stop: async () => {
      if (alive) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The policy of every scenario: the test policy's groups and channels, UTC, short review periods. */
export const BENCH_POLICY = {
  ...TEST_POLICY,
  organization: { name: 'Acme', timezone: 'UTC' },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
  reviews: { minimalDays: 20, highDays: 30, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
};

/** The bench policy written to a file for AIMS_POLICY. */
export function policyFile(): string {
  const path = join(tmpdir(), `aims-bench-policy-${process.pid}-${randomBytes(2).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify(BENCH_POLICY));
  process.once('exit', () => rmSync(path, { force: true }));
  return path;
}

/** `aimsbot serve` on a port, with Slack in HTTP mode against `apiUrl`. */
export async function startServe(o: { port: number; databaseUrl?: string; dataDir?: string; apiUrl?: string; policy?: string }): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(o.port),
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl ?? '',
    AIMS_DATA_DIR: o.dataDir ?? '',
    REDIS_URL: '',
    SLACK_BOT_TOKEN: o.apiUrl ? 'xoxb-test-token' : '',
    SLACK_SIGNING_SECRET: o.apiUrl ? SIGNING_SECRET : '',
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: o.apiUrl ?? '',
    AIMS_POLICY: o.policy ?? '',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  };
  // Teams stays off: its variables unset (an empty app id is refused in production).
  for (const k of ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'AIMS_TEAMS']) delete env[k];
  // As installed: through bin/aimsbot.js, which runs the compiled bundle (bench/run.ts builds it
  // first when a source changed) in this one process.
  // BENCH_SERVE_NODE_ARGS adds node flags to serve, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return spawnHttp(['bin/aimsbot.js', 'serve'], env, o.port, '/readyz', 60_000, ['--max-old-space-size=4096', ...extra]);
}

/**
 * The bare Bolt app compiled to JavaScript once (esbuild, as bin/build.js compiles aimsbot), so
 * a start-up comparison does not charge the baseline for compiling TypeScript either. Returns
 * the `node` arguments that run it.
 */
export async function compiledBaseline(): Promise<string[]> {
  const { transform } = await import('esbuild');
  const dir = fileURLToPath(new URL('../node_modules/.cache/aimsbot-bench', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'baseline-bolt.mjs');
  const source = readFileSync(fileURLToPath(new URL('./baseline-bolt.ts', import.meta.url)), 'utf8');
  writeFileSync(out, (await transform(source, { loader: 'ts', format: 'esm', target: 'node20' })).code);
  return [out];
}

/** Runs a tsx script to the end and parses the last line of its stdout as JSON; killed after `timeoutMs`. */
export async function runJsonChild<T>(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<T> {
  const proc = spawn(process.execPath, [...TSX, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const code = await new Promise<number | null>((r) => proc.once('close', (c) => r(c)));
  clearTimeout(timer);
  if (timedOut) throw new TimeoutError(`timed out after ${(timeoutMs / 1000).toFixed(0)} s`);
  const last = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${args.join(' ')} exited ${code} without a result:\n${out.slice(-2000)}\n${err}`);
  }
}

/** A child that ran out of time. */
export class TimeoutError extends Error {}

/** Records when each path under it is called (response URLs), by path. */
export async function startSink(): Promise<{ base: string; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.set(req.url ?? '', performance.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) };
}
