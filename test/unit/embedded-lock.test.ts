/**
 * The lock that keeps a second process off an embedded data directory (db/embedded-lock.ts):
 * atomic creation, refusal naming the live holder, takeover of stale locks (dead pid, reused
 * pid, unreadable file), release, and directory permissions. Other processes are real.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, FOREIGN_STALE_MS, LOCK_FILE_NAME, describeProcess, lockEmbeddedDataDir, parseOwner } from '../../db/embedded-lock';
import type { EmbeddedLock } from '../../db/embedded-lock';
import { waitGone } from '../helpers/cli-process';

const root = mkdtempSync(join(tmpdir(), 'aims-lockfile-'));
let n = 0;
const freshDir = () => join(root, `d${++n}`);
const lockOf = (dir: string) => join(dir, LOCK_FILE_NAME);
const children: ChildProcessWithoutNullStreams[] = [];
const locks: EmbeddedLock[] = [];
afterEach(() => locks.splice(0).forEach((l) => l.release()));
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  rmSync(root, { recursive: true, force: true });
});

async function take(dir: string, options: { heartbeatMs?: number } = {}) {
  const lock = await lockEmbeddedDataDir(dir, options);
  locks.push(lock);
  return lock;
}

/** A live process that is not ours to lock with: sleeps until killed. */
function sleeper(): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  children.push(child);
  return child;
}

/** A process running test/helpers/lock-child.ts, with a way to read what it printed. */
function lockChild(dir: string, mode = '') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/lock-child.ts', dir, mode]);
  children.push(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const until = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${re} from lock child; got: ${out}`)), 60_000);
      const check = () => {
        const m = re.exec(out);
        if (!m) return;
        clearTimeout(t);
        child.stdout.off('data', check);
        resolve(m);
      };
      child.stdout.on('data', check);
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, until, exited, out: () => out };
}

function writeLock(dir: string, owner: object) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(lockOf(dir), JSON.stringify(owner));
}

describe('lockEmbeddedDataDir', () => {
  it('creates a missing directory, with its parents, mode 0700 whatever the umask', async () => {
    const dir = join(freshDir(), 'nested', 'data');
    const old = process.umask(0);
    try {
      await take(dir);
    } finally {
      process.umask(old);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(lockOf(dir)).mode & 0o777).toBe(0o600);
  });

  it('leaves the mode of an existing directory as it is', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    chmodSync(dir, 0o750);
    await take(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
  });

  it('records this process and refuses a second open in the same process, naming it', async () => {
    const dir = freshDir();
    await take(dir);
    const owner = parseOwner(readFileSync(lockOf(dir), 'utf8'));
    expect(owner?.pid).toBe(process.pid);
    const err = await lockEmbeddedDataDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).code).toBe('data_dir_locked');
    expect((err as Error).message).toBe(`aimsbot is already running on ${dir} (pid ${process.pid}): stop it, or run this command through it`);
  });

  it('refuses while another live process holds it, naming that pid and the path as configured', async () => {
    const dir = freshDir();
    const other = sleeper();
    writeLock(dir, describeProcess(other.pid!, 'theirs'));
    const before = readFileSync(lockOf(dir), 'utf8');
    const asConfigured = relative(process.cwd(), dir);
    const err = await lockEmbeddedDataDir(asConfigured).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toBe(`aimsbot is already running on ${asConfigured} (pid ${other.pid}): stop it, or run this command through it`);
    expect(readFileSync(lockOf(dir), 'utf8')).toBe(before);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = freshDir();
    const gone = sleeper();
    writeLock(dir, describeProcess(gone.pid!, 'dead'));
    gone.kill('SIGKILL');
    await waitGone(gone.pid!);
    await take(dir);
    expect(parseOwner(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to another process (another start time)', async () => {
    const dir = freshDir();
    const other = sleeper();
    writeLock(dir, { ...describeProcess(other.pid!, 'old'), started: '1' });
    await take(dir);
    expect(parseOwner(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(process.pid);
  });

  it('takes over an unreadable lock file once it is old, not while it may still be being written', async () => {
    const dir = freshDir();
    writeLock(dir, {});
    writeFileSync(lockOf(dir), 'not a lock');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockOf(dir), old, old);
    await take(dir);
    expect(parseOwner(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(process.pid);
  });

  it('keeps a lock from another pid namespace (another container on the volume) while it is fresh, takes it over once it is not', async () => {
    const dir = freshDir();
    const gone = sleeper();
    await new Promise((r) => gone.on('spawn', r));
    const owner = { ...describeProcess(gone.pid!, 'container'), ns: 'pid:[1]' };
    gone.kill('SIGKILL');
    await waitGone(gone.pid!);
    writeLock(dir, owner);
    // Its pid means nothing here, so only the heartbeat tells whether it still runs.
    const err = await lockEmbeddedDataDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).pid).toBe(owner.pid);
    const old = new Date(Date.now() - FOREIGN_STALE_MS - 5_000);
    utimesSync(lockOf(dir), old, old);
    await take(dir);
    expect(parseOwner(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(process.pid);
  });

  it('the holder touches its lock file while it runs', async () => {
    const dir = freshDir();
    await take(dir, { heartbeatMs: 20 });
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(lockOf(dir), old, old);
    await new Promise((r) => setTimeout(r, 300));
    expect(Date.now() - statSync(lockOf(dir)).mtimeMs).toBeLessThan(60_000);
  });

  it('release removes the file only while it is still ours', async () => {
    const dir = freshDir();
    const lock = await take(dir);
    lock.release();
    expect(existsSync(lockOf(dir))).toBe(false);
    const again = await take(dir);
    writeFileSync(lockOf(dir), JSON.stringify(describeProcess(process.pid, 'someone-else')));
    again.release();
    expect(existsSync(lockOf(dir))).toBe(true);
  });
});

describe('the lock across processes', () => {
  it('of six processes racing for one stale lock, exactly one takes it and the others name it', async () => {
    const dir = freshDir();
    const gone = sleeper();
    writeLock(dir, describeProcess(gone.pid!, 'dead'));
    gone.kill('SIGKILL');
    await waitGone(gone.pid!);
    const racers = Array.from({ length: 6 }, () => lockChild(dir));
    await Promise.all(racers.map((r) => r.until(/^ready$/m)));
    racers.forEach((r) => r.child.stdin.write('go\n'));
    const results = await Promise.all(racers.map((r) => r.until(/^(held|refused) (\d+)$/m)));
    const winners = results.filter((m) => m[1] === 'held');
    expect(winners).toHaveLength(1);
    const winner = Number(winners[0]![2]);
    expect(results.filter((m) => m[1] === 'refused').map((m) => Number(m[2]))).toEqual(Array(5).fill(winner));
    expect(parseOwner(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(winner);
    // A normal exit (stdin ends, nobody calls release) removes the lock.
    racers.forEach((r) => r.child.stdin.end());
    await Promise.all(racers.map((r) => r.exited));
    expect(existsSync(lockOf(dir))).toBe(false);
  }, 120_000);

  it('a process with its own SIGTERM handler shuts down its own way; one without dies of the signal and releases', async () => {
    const dir = freshDir();
    const graceful = lockChild(dir, 'graceful');
    await graceful.until(/^ready$/m);
    graceful.child.stdin.write('go\n');
    await graceful.until(/^held \d+$/m);
    graceful.child.kill('SIGTERM');
    expect(await graceful.exited).toBe(0);
    expect(graceful.out()).toMatch(/^stopping$/m);
    expect(existsSync(lockOf(dir))).toBe(false);

    const plain = lockChild(dir);
    await plain.until(/^ready$/m);
    plain.child.stdin.write('go\n');
    await plain.until(/^held \d+$/m);
    plain.child.kill('SIGTERM');
    const signal = await new Promise((resolve) => plain.child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGTERM');
    expect(existsSync(lockOf(dir))).toBe(false);
  }, 120_000);
});
