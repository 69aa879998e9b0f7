/**
 * `aimsbot jobs run … --at …` as a child process against a Postgres test database with a policy
 * file (quiet hours in Europe/Berlin), and a jobs process killed with SIGKILL mid-delivery and
 * restarted: every notification reaches the platform exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import { dispatchDue } from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { SEED_AT, seedDataset, seedPolicy, seedPolicyInput } from '../helpers/jobs-seed';

const TSX = 'node_modules/tsx/dist/cli.mjs';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args[0]!.endsWith('.ts') ? [TSX, ...args] : args, { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function seeded(): Promise<TestDatabase> {
  const tdb = await createTestDatabase('postgres');
  const clock = testClock(SEED_AT);
  await seedDataset({ db: tdb.db, policy: seedPolicy(), clock });
  await dispatchDue(tdb.db, clock, async () => ({ ok: true }));
  return tdb;
}

describe('aimsbot jobs run (child process)', () => {
  let tdb: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => run(['bin/aimsbot.js', 'jobs', 'run', ...args], env);

  beforeAll(async () => {
    tdb = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'aims-jobs-'));
    const policyFile = join(dir, 'policy.json');
    const policy = {
      ...seedPolicyInput,
      organization: { name: 'Acme', timezone: 'Europe/Berlin' },
      quietHours: { start: '19:00', end: '08:00', weekends: true },
    };
    writeFileSync(policyFile, JSON.stringify(policy));
    env = { DATABASE_URL: tdb.url, AIMS_POLICY: policyFile };
  });
  afterAll(async () => {
    await tdb?.destroy();
  });

  it('sends review reminders as of --at, and nothing twice when run again', async () => {
    const first = await cli('review-reminders', '--at', '2026-10-07T10:00:00Z');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('review-reminders as of 2026-10-07T10:00:00.000Z: 1 notification(s) written');
    expect(first.stdout).toContain('[to alice] Review of AI-1 "Chatty" is due on 2026-10-21 (in 14 days).');
    const again = await cli('review-reminders', '--at', '2026-10-07T10:00:00Z');
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('review-reminders as of 2026-10-07T10:00:00.000Z: 0 notification(s) written');
  });

  it('holds what falls in quiet hours or on a weekend until Monday 08:00 local', async () => {
    // Friday 20:30 in Berlin.
    const friday = await cli('approval-reminders', '--at', '2026-10-09T18:30:00Z');
    expect(friday.code).toBe(0);
    expect(friday.stdout).toContain('4 notification(s) written');
    expect(friday.stdout).toContain('4 notification(s) held for later');
    expect(friday.stdout).not.toContain('Reminder:');
    const rows = await tdb.db.select().from(notifications).where(eq(notifications.kind, 'approval.reminder'));
    expect(rows.map((r) => [r.status, r.notBefore.toISOString()])).toEqual(Array(4).fill(['pending', '2026-10-12T06:00:00.000Z']));
    const sunday = await cli('approval-reminders', '--at', '2026-10-11T12:00:00Z');
    expect(sunday.stdout).not.toContain('Reminder:');
    const monday = await cli('approval-reminders', '--at', '2026-10-12T06:00:00Z');
    expect(monday.code).toBe(0);
    // The held first reminders (written on Friday), then the second round, now due as well.
    const delivered = monday.stdout.split('\n').filter((l) => l.includes('has been waiting for 8 days. Please approve'));
    expect(delivered.sort()).toEqual([
      expect.stringMatching(/^\[#approvals\] Reminder: the privacy approval of AI-3/),
      expect.stringMatching(/^\[to carol\] Reminder: the business owner approval of AI-3/),
      expect.stringMatching(/^\[to compliance\] Reminder: the compliance approval of AI-3/),
      expect.stringMatching(/^\[to dpo\] Reminder: the privacy approval of AI-3/),
    ]);
    const sent = await tdb.db.select().from(notifications).where(eq(notifications.kind, 'approval.reminder'));
    expect(sent.filter((r) => r.status === 'sent')).toHaveLength(8);
    expect(monday.stdout.split('\n').filter((l) => l.includes('(reminder 2)'))).toHaveLength(4);
    expect(monday.stdout.split('\n').filter((l) => l.startsWith('[#digest] Stalled approval'))).toHaveLength(3);
  });

  it('posts the weekly digest with its plain text', async () => {
    const r = await cli('weekly-digest', '--at', '2026-10-05T07:00:00Z');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[#digest] Weekly AI compliance digest for Acme, 2026-09-28 – 2026-10-05');
    expect(r.stdout).toContain('This week: 6 registrations, 2 approvals, 1 rejection, 1 request for changes, 1 blocked.');
  });

  it('refuses a bad job name or --at with exit 2 and one line', async () => {
    const bad = await cli('nightly-cleanup');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['aimsbot jobs: unknown job "nightly-cleanup"; expected one of review-reminders, approval-reminders, weekly-digest, task-reminders, nc-reminders, ai-use-survey, policy-ack, survey-reminders, management-review']);
    const badAt = await cli('weekly-digest', '--at', 'next monday');
    expect(badAt.code).toBe(2);
    expect(badAt.stderr.trim().split('\n')).toHaveLength(1);
    expect(badAt.stderr).toContain('--at');
  });
});

describe('a jobs process killed mid-delivery', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await seeded();
  });
  afterAll(async () => {
    await tdb?.destroy();
  });

  it('delivers every notification exactly once after a restart', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aims-kill-')), 'platform.log');
    const env = { ...process.env, DATABASE_URL: tdb.url, OUT: out };
    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const child = spawn(process.execPath, [TSX, 'test/helpers/jobs-child.ts'], { env: { ...env, AT: '2026-10-20T10:00:00Z' }, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const deadline = Date.now() + 20_000;
    while (lines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Let the third row be marked sent; the fourth is then mid-delivery.
    await new Promise((r) => setTimeout(r, 60));
    child.kill('SIGKILL');
    await exited;
    const beforeRestart = lines();
    expect(beforeRestart.length).toBeGreaterThanOrEqual(3);
    // The killed process had claimed the rest of its batch; those claims are left behind.
    const rows = await tdb.db.select().from(notifications).where(eq(notifications.status, 'sending'));
    expect(rows.length).toBeGreaterThanOrEqual(1);

    // Restarted after the claim's 2 s lease has run out.
    const again = await run(['test/helpers/jobs-child.ts'], { ...env, AT: '2026-10-20T10:00:05Z' });
    expect(again.code).toBe(0);
    const all = await tdb.db.select().from(notifications);
    const jobKeys = all.filter((r) => /^(review|approval)\.(reminder|escalation)|^digest/.test(r.kind)).map((r) => r.dedupeKey);
    // 2 review reminders, 4 approval reminders (3 DMs, 1 channel), 1 digest.
    expect(jobKeys).toHaveLength(7);
    expect(all.every((r) => r.status === 'sent')).toBe(true);
    const delivered = lines().filter((k) => jobKeys.includes(k));
    expect(delivered.sort()).toEqual([...jobKeys].sort());
  });
});
