/**
 * One process per embedded data directory.
 *
 * PGlite runs Postgres inside the process that opened the directory and keeps its state in that
 * process's memory; a second process on the same directory works on its own copy, and whichever
 * closes last overwrites what the other wrote (audit events included). So the process that opens
 * the directory first holds `aimsbot.lock` in it, and any other process stops at once with
 * {@link DataDirLockedError}.
 *
 * The lock file is created with O_EXCL, so two processes cannot both create it. It records the
 * holder's pid and, on Linux, the holder's start time, pid namespace and boot id, so a lock left
 * by a process that is gone (SIGKILL, power loss, a container restarted with the same pid) is
 * recognised as stale and taken over. A pid means nothing outside its namespace and boot (a
 * second container on the same volume, another machine on a shared disk), so the holder also
 * touches the file every {@link HEARTBEAT_MS}; a lock from elsewhere is stale only once it has
 * not been touched for {@link FOREIGN_STALE_MS}. Taking over happens under a second,
 * short-lived guard, so two processes that find the same stale lock cannot both take it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The lock's file name inside the data directory. */
export const LOCK_FILE_NAME = 'aimsbot.lock';

/** Another process (or this one) already has the data directory open. */
export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(
    /** The directory as configured (e.g. `./.aimsbot`). */
    readonly dataDir: string,
    /** The pid of the process that has it open. */
    readonly pid: number,
  ) {
    super(`aimsbot is already running on ${dataDir} (pid ${pid}): stop it, or run this command through it`);
    this.name = 'DataDirLockedError';
  }
}

/** A held lock. */
export interface EmbeddedLock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** What the lock file says about its holder. */
export interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (`/proc/<pid>/stat`), when known. */
  started: string | null;
  /** `/proc/sys/kernel/random/boot_id`, when known. */
  boot: string | null;
  /** The pid namespace (`/proc/<pid>/ns/pid`, e.g. `pid:[4026531836]`), when known. */
  ns: string | null;
  /** Random, so two holders never write the same record. */
  token: string;
}

/** How often the holder touches the lock file. */
export const HEARTBEAT_MS = 10_000;
/** How long a lock written in another pid namespace or boot may go untouched before it is stale. */
export const FOREIGN_STALE_MS = 120_000;
/** How long a lock file may stay unreadable (being written) or a takeover guard ownerless before it is stale. */
const SETTLE_MS = 5_000;
const RETRY_MS = 25;
const MAX_ATTEMPTS = 400;

/** Locks held by this process, by real path of the lock file. */
const held = new Map<string, EmbeddedLock>();

/**
 * Creates the data directory (mode 0700; an existing one keeps its mode) and takes its lock.
 * Throws {@link DataDirLockedError} naming the holder when another live process has it.
 */
export async function lockEmbeddedDataDir(dataDir: string, options: { heartbeatMs?: number } = {}): Promise<EmbeddedLock> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(realpathSync(dataDir), LOCK_FILE_NAME);
  const mine = `${JSON.stringify(describeProcess(process.pid, randomBytes(8).toString('hex')))}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Checked on every pass: another call in this process may have taken it while we waited.
    if (held.has(path)) throw new DataDirLockedError(dataDir, process.pid);
    if (create(path, mine)) return hold(path, mine, options.heartbeatMs ?? HEARTBEAT_MS);
    const seen = readLockFile(path);
    if (seen === null) continue; // released in the meantime: try again at once
    const owner = parseOwner(seen);
    if (owner && isRunning(owner, ageMs(path))) throw new DataDirLockedError(dataDir, owner.pid);
    // Unreadable and young: its creator is still writing it. Otherwise the holder is gone.
    if (owner || ageMs(path) > SETTLE_MS) removeStale(path, seen);
    await sleep(RETRY_MS);
  }
  throw new Error(`could not take ${path}: it keeps changing hands; try again`);
}

/** O_CREAT|O_EXCL: true when this call created the file (with our record in it). */
function create(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function hold(path: string, mine: string, heartbeatMs: number): EmbeddedLock {
  let released = false;
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone with its directory: nothing to keep fresh.
    }
  }, heartbeatMs);
  heartbeat.unref();
  const lock: EmbeddedLock = {
    path,
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      held.delete(path);
      if (held.size === 0) removeProcessHooks();
      try {
        if (readText(path) === mine) unlinkSync(path);
      } catch {
        // Already gone, or the directory was removed: nothing left to release.
      }
    },
  };
  if (held.size === 0) installProcessHooks();
  held.set(path, lock);
  return lock;
}

/**
 * Removes a stale lock file, but only while it still holds what we judged stale, and only one
 * process at a time: the guard directory is created atomically, so of two processes that found
 * the same stale lock one removes it and the other finds the new holder's record next time.
 */
function removeStale(path: string, seen: string): void {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (guardIsAbandoned(guard)) rmSync(guard, { recursive: true, force: true });
    return;
  }
  try {
    writeFileSync(join(guard, 'pid'), String(process.pid));
    if (readText(path) === seen) unlinkSync(path);
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

/** A guard whose process is gone, or that never got its pid written within SETTLE_MS. */
function guardIsAbandoned(guard: string): boolean {
  const pid = Number(readText(join(guard, 'pid')));
  if (Number.isInteger(pid) && pid > 0) return !pidExists(pid);
  return ageMs(guard) > SETTLE_MS;
}

/** The record for a process: pid, and where Linux tells, its start time, pid namespace and boot. */
export function describeProcess(pid: number, token: string): LockOwner {
  return { pid, started: procStat(pid)?.started ?? null, boot: bootId(), ns: pidNamespace(pid), token };
}

/** Parses a lock file's text; null when it is not a lock record. */
export function parseOwner(text: string): LockOwner | null {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0 || typeof v.token !== 'string') return null;
    return {
      pid: v.pid as number,
      started: typeof v.started === 'string' ? v.started : null,
      boot: typeof v.boot === 'string' ? v.boot : null,
      ns: typeof v.ns === 'string' ? v.ns : null,
      token: v.token,
    };
  } catch {
    return null;
  }
}

/**
 * Whether the process that wrote the record is still running. `lockAgeMs` is the time since the
 * lock file was last touched; it decides for a lock from another pid namespace or boot.
 */
export function isRunning(owner: LockOwner, lockAgeMs: number): boolean {
  const boot = bootId();
  const ns = pidNamespace(process.pid);
  const foreign = (owner.boot !== null && boot !== null && owner.boot !== boot) || (owner.ns !== null && ns !== null && owner.ns !== ns);
  if (foreign) return lockAgeMs < FOREIGN_STALE_MS;
  // Our own pid without the lock in `held`: a previous process that had the same pid.
  if (owner.pid === process.pid) return false;
  if (!pidExists(owner.pid)) return false;
  const stat = procStat(owner.pid);
  if (stat?.zombie) return false;
  // The same pid but another start time: the pid was reused by an unrelated process.
  if (owner.started && stat && stat.started !== owner.started) return false;
  return true;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time and zombie state from `/proc/<pid>/stat`; null where there is no `/proc`. */
function procStat(pid: number): { started: string; zombie: boolean } | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const started = fields[19];
  return started ? { started, zombie: fields[0] === 'Z' } : null;
}

function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

function pidNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** The lock file's text; null when there is none. Other errors (e.g. EACCES) are thrown. */
function readLockFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Release on the way out. On 'exit' (normal end, process.exit) directly. On a termination
// signal only when nothing else listens for it: then this process would die of it anyway, so
// release and re-raise it. Commands that handle the signal themselves (serve, worker) shut down
// gracefully and release the lock when they close the database.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function releaseAll(): void {
  for (const lock of [...held.values()]) lock.release();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  removeProcessHooks();
  process.kill(process.pid, signal);
}

function installProcessHooks(): void {
  process.on('exit', releaseAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeProcessHooks(): void {
  process.off('exit', releaseAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
