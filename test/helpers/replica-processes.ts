/**
 * Real `aimsbot serve` and `aimsbot worker` processes (through bin/aimsbot.js, as the image runs them) on one
 * shared Postgres database and Redis, for the replica tests: start them, talk to a server over
 * signed Slack requests, and stop one with SIGTERM while measuring how long it takes to exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { SlackBody } from './slack-requests';
import { signatureHeaders } from './slack-requests';

/** A running replica. */
export interface Replica {
  name: string;
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` for a server, '' for a worker. */
  url: string;
  /** Everything it logged so far (pino JSON lines on stdout and stderr). */
  log(): string;
  /** Resolves with the exit code and signal once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Posts a signed request to `/slack/events` (servers only). */
  send(req: SlackBody): Promise<Response>;
  /** Sends SIGTERM; resolves with the exit code and how long the exit took (ms). */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it is true or `ms` pass; returns the last answer. */
export async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

/**
 * Starts `aimsbot <command>` with `env` on top of this process's environment, and resolves once
 * it says it is ready (`aimsbot listening` for serve, `scheduled jobs running` for worker).
 */
export async function startReplica(name: string, command: 'serve' | 'worker', env: Record<string, string>): Promise<Replica> {
  // Through bin/aimsbot.js, the Docker entrypoint: tsx loaded into the one process that handles
  // SIGTERM (the tsx command would SIGKILL it when busy for more than 30 ms after the signal).
  const child = spawn(process.execPath, ['bin/aimsbot.js', command], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = command === 'serve' ? /"msg":"aimsbot listening"/ : /"msg":"scheduled jobs running"/;
  let gone = false;
  void exited.then(() => (gone = true));
  if (!(await until(() => gone || ready.test(log), 45_000)) || gone) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start:\n${log.slice(-3000)}`);
  }
  const port = command === 'serve' ? /"port":(\d+)[^\n]*"msg":"aimsbot listening"/.exec(log)![1] : undefined;
  const url = port ? `http://127.0.0.1:${port}` : '';
  return {
    name,
    child,
    url,
    log: () => log,
    exited,
    send: (req) =>
      fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': req.contentType, ...signatureHeaders(req.body) },
        body: req.body,
        signal: AbortSignal.timeout(15_000),
      }),
    terminate: async () => {
      const started = Date.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - started };
    },
  };
}

/** Stops a replica that is still running (test clean-up): SIGTERM, then SIGKILL after 10 s. */
export async function stopReplica(r: Replica | undefined): Promise<void> {
  if (!r || r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill('SIGTERM');
  const timer = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
  await r.exited;
  clearTimeout(timer);
}
