/**
 * Real `aimsbot` processes on an embedded data directory, for the tests that need more than one
 * process at a time: a long-running shell fed through stdin, and one-shot commands.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The environment of a process on embedded storage in `dir`, with every chat platform off. */
export function embeddedEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AIMS_DATA_DIR: dir,
    DATABASE_URL: '',
    REDIS_URL: '',
    SLACK_BOT_TOKEN: '',
    SLACK_SIGNING_SECRET: '',
    SLACK_APP_TOKEN: '',
    MICROSOFT_APP_ID: '',
    AIMS_TEAMS: '',
    AIMS_POLICY: '',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** How to start the CLI: through `bin/aimsbot.js` (the default: the compiled bundle while it matches the sources) or through tsx (as `npm run aimsbot` does). */
export type Launcher = 'tsx' | 'bin';

function argsFor(launcher: Launcher, args: string[]): string[] {
  return launcher === 'bin' ? ['bin/aimsbot.js', ...args] : ['node_modules/tsx/dist/cli.mjs', 'src/cli.ts', ...args];
}

/** A process that keeps running while the test talks to it. */
export interface LiveProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed on stdout so far. */
  out(): string;
  /** Everything it printed on stderr so far. */
  err(): string;
  /** Resolves when stdout matches, rejects after `ms` with what was printed. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves with the exit code (or the signal) once the process and its pipes are closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `aimsbot <args>` with stdin open. */
export function startLive(args: string[], env: NodeJS.ProcessEnv, launcher: Launcher = 'bin'): LiveProcess {
  const child = spawn(process.execPath, argsFor(launcher, args), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      };
      const timer = setTimeout(() => {
        child.stdout.off('data', check);
        reject(new Error(`no ${pattern} within ${ms} ms; stdout:\n${out}\nstderr:\n${err}`));
      }, ms);
      child.stdout.on('data', check);
      check();
    });
  return { child, out: () => out, err: () => err, waitFor, exited };
}

/** The result of a one-shot command. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aimsbot <args>` to the end (stdin closed). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, launcher: Launcher = 'bin'): Promise<RunResult> {
  const live = startLive(args, env, launcher);
  live.child.stdin.end();
  const timer = setTimeout(() => live.child.kill('SIGKILL'), 120_000);
  const { code } = await live.exited;
  clearTimeout(timer);
  return { code, stdout: live.out(), stderr: live.err() };
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent pid of a process (Linux `/proc`), or null when it is gone. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Whether `pid` is `ancestor` or runs under it. */
export function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p: number | null = pid, hops = 0; p && p > 1 && hops < 10; p = parentOf(p), hops++) {
    if (p === ancestor) return true;
  }
  return false;
}

/** Resolves when `pid` no longer exists (polling), or rejects after `ms`. */
export async function waitGone(pid: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} still alive after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
