/**
 * One embedded data directory, one process. While `npm start` (the shell on PGlite) runs, a
 * second `aimsbot` process on the same directory must not open it: PGlite keeps the database in
 * the memory of the process that opened it, so whichever process closes last overwrites what
 * the other wrote. The second process stops at once with exit code 2 and names the running one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { aiSystems, notifications } from '../../db/schema';
import { descendsFrom, embeddedEnv, isAlive, runCli, startLive, waitGone } from '../helpers/cli-process';
import type { Launcher } from '../helpers/cli-process';

const root = mkdtempSync(join(tmpdir(), 'aims-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `data-${++n}`);

const busy = (dir: string) => new RegExp(`^aimsbot is already running on ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid (\\d+)\\): stop it, or run this command through it\\n$`);

describe('a second process on the embedded data directory', () => {
  it('goes through the running shell or stops with the message; nothing reported done is lost', async () => {
    const dir = freshDir();
    const env = embeddedEnv(dir);
    const shell = startLive(['start'], env);
    shell.child.stdin.write(readFileSync('examples/shell-demo.txt', 'utf8'));
    await shell.waitFor(/^status: approved$/m, 120_000);

    const second = [
      ['jobs', 'run', 'weekly-digest'],
      ['export', 'inventory', '--format', 'json'],
      ['audit', 'verify'],
    ];
    let digestsReported = 0;
    for (const args of second) {
      const r = await runCli(args, env);
      if (r.code === 2) {
        const m = busy(dir).exec(r.stderr);
        expect(m, `${args.join(' ')}: ${r.stderr}`).not.toBeNull();
        const pid = Number(m![1]);
        // The real pid of the process that has the directory open: the shell, alive, under the child we started.
        expect(isAlive(pid)).toBe(true);
        expect(descendsFrom(pid, shell.child.pid!)).toBe(true);
        expect(r.stdout).toBe('');
      } else {
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        const written = /weekly-digest as of .*: (\d+) notification\(s\) written/.exec(r.stdout);
        if (written) digestsReported += Number(written[1]);
      }
    }

    // The shell still works after the refusals, and then exits normally.
    shell.child.stdin.end('/aims show AI-1\n');
    const { code } = await shell.exited;
    expect(code).toBe(0);
    expect(shell.out().slice(shell.out().lastIndexOf('/aims show AI-1'))).toMatch(/^status: approved$/m);

    // Reopened: the shell's work and every write another process reported are there.
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/^audit trail intact/);
    expect(verify.code).toBe(0);
    const database = await openDatabase({ dataDir: dir });
    try {
      const [approved] = await database.db.select({ n: count() }).from(aiSystems).where(eq(aiSystems.status, 'approved'));
      expect(approved!.n).toBe(1);
      const [digests] = await database.db.select({ n: count() }).from(notifications).where(eq(notifications.kind, 'digest.weekly'));
      expect(digests!.n).toBe(digestsReported);
    } finally {
      await database.close();
    }
  }, 300_000);
});

describe('the lock on the data directory', () => {
  const dir = freshDir();
  const env = embeddedEnv(dir);
  const lockFile = join(dir, 'aimsbot.lock');
  const holder = () => (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid;

  async function shellUntilReady(launcher: Launcher) {
    const shell = startLive(['start'], env, launcher);
    await shell.waitFor(/aimsbot shell — you are/, 120_000);
    return shell;
  }

  it('is released when bin/aimsbot.js running the shell gets SIGTERM; the new directory is 0700', async () => {
    expect(existsSync(dir)).toBe(false);
    const shell = await shellUntilReady('bin');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(lockFile).mode & 0o777).toBe(0o600);
    const pid = holder();
    expect(descendsFrom(pid, shell.child.pid!)).toBe(true);
    // As `docker stop` does: to the launcher, which passes it on.
    shell.child.kill('SIGTERM');
    await shell.exited;
    await waitGone(pid);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);

  it('is released when the shell gets SIGINT', async () => {
    const shell = await shellUntilReady('tsx');
    const pid = holder();
    // To the process itself, as Ctrl-C does (the tsx command in between only relays it).
    process.kill(pid, 'SIGINT');
    await shell.exited;
    await waitGone(pid);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);

  it('left behind by a SIGKILLed process is taken over by the next one, which releases it on exit', async () => {
    const shell = await shellUntilReady('tsx');
    const pid = holder();
    process.kill(pid, 'SIGKILL');
    await shell.exited;
    await waitGone(pid);
    expect(holder()).toBe(pid); // the stale lock is still there
    const r = await runCli(['audit', 'verify'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^audit trail intact/);
    expect(r.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  }, 240_000);
});
